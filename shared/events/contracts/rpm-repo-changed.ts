import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { Maybe, PackageChangeSchema, Text } from './parts';

export const RpmRepoChangedDataSchema = Type.Object({
  repo: Type.Object(
    { key: Text("The repo tracker's key (a hash of the base URL)."), url: Text('The base URL.'), name: Maybe(Text('The repo id images give it.')) },
    { description: 'The RPM repository.' },
  ),
  previousRevision: Maybe(Text("The revision this change is measured from (the last snapshot's).")),
  revision: Text('The revision now.'),
  added: Type.Array(Text('A package name.'), { description: 'Packages new in the repository.' }),
  updated: Type.Array(PackageChangeSchema, { description: 'Packages whose version changed.' }),
  removed: Type.Array(Text('A package name.'), { description: 'Packages gone from the repository.' }),
});

export type RpmRepoChangedData = Static<typeof RpmRepoChangedDataSchema>;

export const rpmRepoChanged = defineContract({
  type: EventTypes.rpmRepoChanged,
  description: 'An RPM repository that images install from changed.',
  emittedBy: 'track-repos',
  consumedBy: 'dispatcher',
  data: RpmRepoChangedDataSchema,
  example: {
    repo: { key: '5d41402abc4b2a76', url: 'http://mirror.centos.org/centos/7/updates/x86_64/', name: 'updates' },
    previousRevision: '1732770062',
    revision: '1732856462',
    added: [],
    updated: [{ name: 'openssl-libs', from: '1.0.2k-25.el7_9', to: '1.0.2k-26.el7_9' }],
    removed: [],
  },
});
