import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { Maybe, Text, Time } from './parts';

export const WeeklyTickDataSchema = Type.Object(
  {
    tick: Maybe(Text('The id of the tick this continues.')),
    offset: Maybe(Type.Number({ description: 'Index (in image-name order) of the first image this chunk handles.' })),
    notBefore: Maybe(Time('ISO time before which this chunk must not start.')),
  },
  {
    description:
      "The gateway's tick carries nothing; the weekly rescan re-emits it to itself as a continuation that names the tick it continues and where to go on, so a long rescan is paced in chunks and a chunk lost with its pod is redone by the broker's retry.",
  },
);

export type WeeklyTickData = Static<typeof WeeklyTickDataSchema>;

export const tickWeekly = defineContract({
  type: EventTypes.tickWeekly,
  description: 'Time for the weekly rescan of every image, or its next chunk.',
  emittedBy: 'gateway (from the PingSource `ccp-weekly-rescan`), weekly-scan (the next chunk: `tick`, `offset`, `notBefore`)',
  consumedBy: 'weekly-scan',
  data: WeeklyTickDataSchema,
  dataOptional: true,
  example: { tick: 'weekly-2026-11-29', offset: 200, notBefore: '2026-11-29T03:10:00Z' },
});
