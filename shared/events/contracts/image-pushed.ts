import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { Maybe, Text } from './parts';

export const ImagePushedDataSchema = Type.Object({
  repository: Text('The repository pushed to, `app-id/job-id`.'),
  tag: Maybe(Text('The tag pushed.')),
  digest: Text('The manifest digest.'),
  mediaType: Maybe(Text("The manifest's media type, as the registry's notification says.")),
  registry: Maybe(Text('`host:port` of the registry that was pushed to.')),
});

export type ImagePushedData = Static<typeof ImagePushedDataSchema>;

export const imagePushed = defineContract({
  type: EventTypes.imagePushed,
  description: "An image was pushed to the registry (id = the registry notification's id).",
  emittedBy: "the registry's push notifications (`POST /registry/notifications`)",
  consumedBy: 'dispatcher',
  data: ImagePushedDataSchema,
  example: {
    repository: 'centos/centos',
    tag: '7',
    digest: 'sha256:4f7a1c8e2b9d3a6f5e0c7b1d8a2e9f4c6b3d0a7e5f1c8b2d9a6e3f0c7b4d1a8e',
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    registry: 'registry.example.com:5000',
  },
});
