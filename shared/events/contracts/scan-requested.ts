import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { EXAMPLE_BUILD_ID, EXAMPLE_PROJECT } from './examples';
import { ImageRefSchema, Maybe, OneOf, ProjectRefSchema, Text } from './parts';

export const ScanRequestedDataSchema = Type.Object({
  project: ProjectRefSchema,
  image: ImageRefSchema,
  reason: OneOf(['build', 'weekly', 'manual'], 'Why the image is scanned.'),
  buildId: Maybe(Text('The build that pushed the image, when a build did.')),
});

export type ScanRequestedData = Static<typeof ScanRequestedDataSchema>;

export const scanRequested = defineContract({
  type: EventTypes.scanRequested,
  description: 'A request to scan one image of the registry.',
  emittedBy: 'weekly-scan (id `weekly/<tick>/<image>`), admins (`kn event send`)',
  consumedBy: 'scan',
  data: ScanRequestedDataSchema,
  example: { project: EXAMPLE_PROJECT, image: { ref: 'registry.example.com/centos/httpd:latest' }, reason: 'weekly', buildId: EXAMPLE_BUILD_ID },
});
