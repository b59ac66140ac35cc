import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { EXAMPLE_BUILD_ID, EXAMPLE_PROJECT } from './examples';
import { BuildCauseSchema, Described, ImageRefSchema, MAX_REASON_CHARS, Maybe, OneOf, ProjectEntrySchema, ProjectRefSchema, Text } from './parts';

export const NOTICE_OUTCOMES = ['succeeded', 'failed', 'skipped'] as const;

export const NoticeItemSchema = Type.Object(
  {
    project: ProjectRefSchema,
    entry: Maybe(Described(ProjectEntrySchema, 'The index entry (for its `notify-email`); looked up in the configured index when absent.')),
    outcome: OneOf(NOTICE_OUTCOMES, 'What became of the project.'),
    buildId: Maybe(Text('Its build, when it ran.')),
    reason: Maybe(Text('Why it failed or was skipped, for people: "parent centos/base:latest failed".', MAX_REASON_CHARS)),
    blockedBy: Maybe(Text('The project (`app-id/job-id:tag`) whose failure skipped this one.')),
    image: Maybe(ImageRefSchema),
    reports: Maybe(
      Type.Object(
        { log: Maybe(Text('Object store key of the build log.')), lint: Maybe(Text('Object store key of the lint report.')) },
        { description: "Object store keys of the build's reports, when it ran." },
      ),
    ),
  },
  { description: 'What became of one project of a cascade.' },
);

export const NoticeRequestedDataSchema = Type.Object(
  {
    cascade: Text('The `cause.cascade` every build of the cascade carried.'),
    cause: Described(BuildCauseSchema, "What started the cascade (the root's cause)."),
    origin: Maybe(Described(ProjectRefSchema, 'The project whose rebuild started it, when there is one (parent-rebuilt cascades).')),
    items: Type.Array(NoticeItemSchema, { description: 'Every project of the cascade, parents first.' }),
  },
  {
    description:
      "The dispatcher's combined notice: one per cascade, emitted when its last build ended, so that every recipient gets one mail for the whole cascade instead of one per image. Emitted with the id `notice/<cascade>` so that a re-emitted notice is a duplicate.",
  },
);

export type NoticeOutcome = (typeof NOTICE_OUTCOMES)[number];
export type NoticeItem = Static<typeof NoticeItemSchema>;
export type NoticeRequestedData = Static<typeof NoticeRequestedDataSchema>;

export const noticeRequested = defineContract({
  type: EventTypes.noticeRequested,
  description: 'A cascade of builds ended: mail one combined notice for it.',
  emittedBy: 'dispatcher (the end of a cascade)',
  consumedBy: 'notify',
  data: NoticeRequestedDataSchema,
  example: {
    cascade: 'cascade-20261128T050102Z-centos-centos-7',
    cause: { kind: 'parent-rebuilt', message: 'Parent image centos/centos:7 was rebuilt', parent: 'centos/centos:7' },
    origin: { appId: 'centos', jobId: 'centos', desiredTag: '7' },
    items: [
      {
        project: EXAMPLE_PROJECT,
        outcome: 'succeeded',
        buildId: EXAMPLE_BUILD_ID,
        image: { ref: 'registry.example.com/centos/httpd:latest' },
        reports: { log: `reports/centos/httpd/latest/${EXAMPLE_BUILD_ID}/build.log` },
      },
      {
        project: { ...EXAMPLE_PROJECT, jobId: 'httpd-php' },
        outcome: 'skipped',
        reason: 'parent centos/httpd:latest failed',
        blockedBy: 'centos/httpd:latest',
      },
    ],
  },
});
