import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { EXAMPLE_BUILD_ID, EXAMPLE_CAUSE, EXAMPLE_ENTRY, EXAMPLE_PROJECT } from './examples';
import {
  BaseImages,
  BuildCauseSchema,
  Described,
  ImageRefSchema,
  MAX_REASON_CHARS,
  Maybe,
  OneOf,
  ProjectEntrySchema,
  ProjectRefSchema,
  Text,
  Time,
} from './parts';

export const ReplacedBuildSchema = Type.Object(
  {
    buildId: Text('The superseded build.'),
    cascade: Text('The cascade that waits for it.'),
  },
  { description: 'A build superseded while queued, and the cascade that waits for it.' },
);

export const BuildCompletedDataSchema = Type.Object({
  buildId: Text('The build.'),
  project: ProjectRefSchema,
  entry: ProjectEntrySchema,
  commit: Maybe(Text('The commit built; absent when it could not be fetched.')),
  status: OneOf(['succeeded', 'failed'], 'How the build ended.'),
  reason: Maybe(Text('Why it failed (a blocked lint: `blocked by lint: …`).', MAX_REASON_CHARS)),
  image: Maybe(Described(ImageRefSchema, 'The image pushed, when the build succeeded.')),
  reports: Type.Object(
    { log: Text('Object store key of the build log.'), lint: Maybe(Text('Object store key of the lint report.')) },
    { description: 'Object store keys of the reports.' },
  ),
  timings: Type.Object(
    {
      startedAt: Time('When the build started.'),
      finishedAt: Time('When it ended.'),
      durationMs: Type.Number({ description: 'How long it took, in milliseconds.' }),
    },
    { description: 'When the build ran.' },
  ),
  cause: BuildCauseSchema,
  causeChain: Type.Array(BuildCauseSchema, { description: 'The causes that led here, oldest first.' }),
  baseImages: BaseImages(
    "The index images (`app-id/job-id:tag`) the built Dockerfile's `FROM` lines name (every stage; `scratch`, stage names, digest pins and other registries left out), from the lint of the same commit; absent when unknown. The dispatcher learns its parents from it.",
  ),
  replaces: Maybe(
    Type.Array(ReplacedBuildSchema, {
      description:
        "Queued builds of other cascades that this one replaced before they ran (a newer request for the same image): they never end on their own, so their cascades count this build's end as theirs.",
    }),
  ),
});

export type ReplacedBuild = Static<typeof ReplacedBuildSchema>;
export type BuildCompletedData = Static<typeof BuildCompletedDataSchema>;

export const buildCompleted = defineContract({
  type: EventTypes.buildCompleted,
  description: 'A build ended, succeeded or failed (id `<build-id>/build`).',
  emittedBy: 'build (id `<build-id>/build`); the dead-letter sink for a build whose step was given up on',
  consumedBy: 'notify, scan, dispatcher',
  data: BuildCompletedDataSchema,
  example: {
    buildId: EXAMPLE_BUILD_ID,
    project: EXAMPLE_PROJECT,
    entry: EXAMPLE_ENTRY,
    commit: EXAMPLE_CAUSE.commit,
    status: 'succeeded',
    image: { ref: 'registry.example.com/centos/httpd:latest', digest: 'sha256:4f7a1c8e2b9d3a6f5e0c7b1d8a2e9f4c6b3d0a7e5f1c8b2d9a6e3f0c7b4d1a8e' },
    reports: { log: `reports/centos/httpd/latest/${EXAMPLE_BUILD_ID}/build.log`, lint: `reports/centos/httpd/latest/${EXAMPLE_BUILD_ID}/lint.json` },
    timings: { startedAt: '2026-11-28T05:01:02Z', finishedAt: '2026-11-28T05:02:02Z', durationMs: 60000 },
    cause: EXAMPLE_CAUSE,
    causeChain: [EXAMPLE_CAUSE],
    baseImages: ['centos/centos:7'],
  },
});
