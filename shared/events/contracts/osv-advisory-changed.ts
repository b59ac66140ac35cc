import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { PackageChangeSchema, Text, Time } from './parts';

export const AdvisoryRefSchema = Type.Object(
  {
    id: Text('The advisory id (`RHSA-2026:0001`, `ALSA-2026:0001`).'),
    modified: Time("The record's `modified` time: with the id, what makes this change one change."),
    aliases: Type.Array(Text('Another id of the vulnerability (a CVE).'), { description: 'Aliases, CVEs first.' }),
    summary: Text('The advisory summary.'),
  },
  { title: 'AdvisoryRef', description: 'An advisory new or changed in the OSV database.' },
);

export const OsvAdvisoryChangedDataSchema = Type.Object({
  advisories: Type.Array(AdvisoryRefSchema, { description: 'The new or changed advisories that affect some image with a reachable fix, sorted by id.' }),
  images: Type.Array(
    Type.Object({
      image: Text('`app-id/job-id:tag`, as the index names it.'),
      advisories: Type.Array(Text('An advisory id.'), { description: 'The advisories of this refresh that affect the image.' }),
      packages: Type.Array(PackageChangeSchema, {
        description:
          "Installed packages the advisories affect: `from` the installed version, `to` the newest the image's repositories carry or, for pip, npm and gem packages, the registry offers (≥ the fix; `repo` names the registry).",
      }),
    }),
    { description: 'The images to rebuild (their descendants follow), sorted by name.' },
  ),
});

export type OsvAdvisoryChangedData = Static<typeof OsvAdvisoryChangedDataSchema>;

export const osvAdvisoryChanged = defineContract({
  type: EventTypes.osvAdvisoryChanged,
  description: 'Advisories new or changed in the OSV database affect built images whose repositories (RPMs) or registries (PyPI, npm, RubyGems) carry the fix.',
  emittedBy: 'track-repos',
  consumedBy: 'dispatcher',
  data: OsvAdvisoryChangedDataSchema,
  example: {
    advisories: [
      { id: 'ALSA-2026:0001', modified: '2026-12-01T10:00:00Z', aliases: ['CVE-2026-1234'], summary: 'openssl: a flaw in X.509 parsing' },
      { id: 'GHSA-j8r2-6x86-q33q', modified: '2026-12-01T10:00:00Z', aliases: ['CVE-2023-32681'], summary: 'requests: Proxy-Authorization header leak' },
    ],
    images: [
      {
        image: 'centos/httpd:latest',
        advisories: ['ALSA-2026:0001'],
        packages: [{ name: 'openssl-libs', from: '1:3.0.7-24.el9', to: '1:3.0.7-25.el9', repo: 'baseos' }],
      },
      {
        image: 'apps/web:latest',
        advisories: ['GHSA-j8r2-6x86-q33q'],
        packages: [{ name: 'requests', from: '2.25.0', to: '2.31.0', repo: 'PyPI' }],
      },
    ],
  },
});
