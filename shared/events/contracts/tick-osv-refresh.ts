import { Type } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';

/** Carries nothing: whatever comes is ignored, so nothing is checked. */
export const OsvRefreshTickDataSchema = Type.Unsafe<Record<string, never>>(Type.Unknown({ description: 'Nothing; anything sent is ignored.' }));

export const tickOsvRefresh = defineContract({
  type: EventTypes.tickOsvRefresh,
  description: 'Time to refresh the OSV advisory database and look for advisories whose fix built images can now take.',
  emittedBy: 'gateway (from the PingSource `ccp-osv-refresh`)',
  consumedBy: 'track-repos',
  data: OsvRefreshTickDataSchema,
  dataOptional: true,
  example: {},
});
