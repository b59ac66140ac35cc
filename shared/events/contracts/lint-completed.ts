import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { EXAMPLE_BUILD_ID, EXAMPLE_CAUSE, EXAMPLE_ENTRY, EXAMPLE_PROJECT } from './examples';
import { BaseImages, BuildCauseSchema, MAX_REASON_CHARS, Maybe, OneOf, ProjectEntrySchema, ProjectRefSchema, Text } from './parts';

export const LINT_VERDICTS = ['passed', 'failed', 'error'] as const;

export const SeverityCountsSchema = Type.Object(
  {
    error: Type.Number({ description: 'Findings of severity error.' }),
    warning: Type.Number({ description: 'Findings of severity warning.' }),
    info: Type.Number({ description: 'Findings of severity info.' }),
    style: Type.Number({ description: 'Findings of severity style.' }),
  },
  { description: 'How many findings of each severity.' },
);

export const LintCompletedDataSchema = Type.Object({
  buildId: Text('The build this lint belongs to.'),
  project: ProjectRefSchema,
  entry: ProjectEntrySchema,
  commit: Maybe(Text('The commit linted; absent when it could not be fetched.')),
  verdict: OneOf(LINT_VERDICTS, 'What the lint found.'),
  blocking: Type.Boolean({ description: 'True when the verdict stops the build (findings at or above the failure threshold, or no Dockerfile).' }),
  failureThreshold: Text('The severity at or above which a finding fails the lint.'),
  counts: SeverityCountsSchema,
  reason: Maybe(Text('Why linting could not run, when `verdict` is `error`.', MAX_REASON_CHARS)),
  reports: Type.Object(
    { json: Text('Object store key of the JSON report.'), sarif: Text('Object store key of the SARIF report.') },
    { description: 'Object store keys of the reports.' },
  ),
  cause: BuildCauseSchema,
  causeChain: Type.Array(BuildCauseSchema, { description: 'The causes that led here, oldest first.' }),
  baseImages: BaseImages(
    "The index images (`app-id/job-id:tag`) the Dockerfile's `FROM` lines name, as `baseImagesOf` resolves them; absent when the Dockerfile could not be read.",
  ),
});

export type LintVerdict = (typeof LINT_VERDICTS)[number];
export type SeverityCounts = Static<typeof SeverityCountsSchema>;
export type LintCompletedData = Static<typeof LintCompletedDataSchema>;

export const lintCompleted = defineContract({
  type: EventTypes.lintCompleted,
  description: "A build's Dockerfile was linted; the build goes on unless the verdict blocks it.",
  emittedBy: 'lint',
  consumedBy: 'build',
  data: LintCompletedDataSchema,
  example: {
    buildId: EXAMPLE_BUILD_ID,
    project: EXAMPLE_PROJECT,
    entry: EXAMPLE_ENTRY,
    commit: EXAMPLE_CAUSE.commit,
    verdict: 'passed',
    blocking: false,
    failureThreshold: 'error',
    counts: { error: 0, warning: 1, info: 0, style: 2 },
    reports: { json: `reports/centos/httpd/latest/${EXAMPLE_BUILD_ID}/lint.json`, sarif: `reports/centos/httpd/latest/${EXAMPLE_BUILD_ID}/lint.sarif` },
    cause: EXAMPLE_CAUSE,
    causeChain: [EXAMPLE_CAUSE],
    baseImages: ['centos/centos:7'],
  },
});
