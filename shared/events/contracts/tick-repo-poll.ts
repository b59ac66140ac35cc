import { Type } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';

/** Carries nothing: whatever comes is ignored, so nothing is checked. */
export const RepoPollTickDataSchema = Type.Unsafe<Record<string, never>>(Type.Unknown({ description: 'Nothing; anything sent is ignored.' }));

export const tickRepoPoll = defineContract({
  type: EventTypes.tickRepoPoll,
  description: 'Time to poll the RPM repositories images install from.',
  emittedBy: 'gateway (from the PingSource `ccp-repo-poll`)',
  consumedBy: 'track-repos',
  data: RepoPollTickDataSchema,
  dataOptional: true,
  example: {},
});
