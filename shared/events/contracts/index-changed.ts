import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { EXAMPLE_ENTRY, EXAMPLE_PROJECT } from './examples';
import { BuildCauseSchema, Described, Maybe, ProjectEntrySchema, ProjectRefSchema, Text } from './parts';

export const IndexChangedDataSchema = Type.Object({
  commit: Maybe(Text('The index commit loaded.')),
  added: Type.Array(ProjectEntrySchema, { description: 'Entries new in the index.' }),
  changed: Type.Array(ProjectEntrySchema, { description: 'Entries whose fields changed.' }),
  removed: Type.Array(ProjectRefSchema, { description: 'Images no longer in the index.' }),
  causes: Maybe(
    Type.Record(Type.String(), BuildCauseSchema, {
      description: "A sender that asks for builds itself (`ccp run`, `ccp build`): the cause of each entry's build, by image name `app-id/job-id:tag`.",
    }),
  ),
  cause: Maybe(Described(BuildCauseSchema, "The cascade's own cause, when a sender asks for builds itself.")),
  descendants: Maybe(Type.Boolean({ description: 'False: build only the entries named, not what is built on them.' })),
});

export type IndexChangedData = Static<typeof IndexChangedDataSchema>;

export const indexChanged = defineContract({
  type: EventTypes.indexChanged,
  description: 'The container index changed: entries added, changed or removed.',
  emittedBy: 'dispatcher (a push to the index repository), `ccp run`',
  consumedBy: 'dispatcher',
  data: IndexChangedDataSchema,
  example: { commit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', added: [EXAMPLE_ENTRY], changed: [], removed: [{ ...EXAMPLE_PROJECT, jobId: 'nginx' }] },
});
