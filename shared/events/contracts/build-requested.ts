import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { EXAMPLE_CAUSE, EXAMPLE_PROJECT } from './examples';
import { BuildCauseSchema, Described, Maybe, ProjectEntrySchema, ProjectRefSchema, Text } from './parts';

export const BuildRequestedDataSchema = Type.Object({
  project: ProjectRefSchema,
  entry: Maybe(Described(ProjectEntrySchema, 'The index entry as the dispatcher saw it; looked up in the configured index when absent.')),
  commit: Maybe(Text('Commit to build; the branch head when absent.')),
  buildId: Maybe(Text('Set by the requester so every function of this build shares it; derived from the event otherwise.')),
  cause: BuildCauseSchema,
  causeChain: Maybe(Type.Array(BuildCauseSchema, { description: "The causes that led here, oldest first (a parent's own cause, then this one)." })),
});

export type BuildRequestedData = Static<typeof BuildRequestedDataSchema>;

export const buildRequested = defineContract({
  type: EventTypes.buildRequested,
  description: 'A request to lint and build one image of the index.',
  emittedBy: 'dispatcher, `ccp run`, admins (`kn event send`)',
  consumedBy: 'lint',
  data: BuildRequestedDataSchema,
  example: { project: EXAMPLE_PROJECT, cause: EXAMPLE_CAUSE, commit: EXAMPLE_CAUSE.commit },
});
