import { createHash } from 'node:crypto';
import { CCP_VERSION } from '../../../shared/config/package-version';
import type { ImageRef } from '../../../shared/events/types';
import { packageUrl } from '../../../shared/reports/purl';
import type { InstalledPackage } from '../../../shared/reports/scanner-types';
import { advisoryUrl, compareVulnerabilities, type Vulnerability } from '../../../shared/reports/vulnerabilities';

/** The subset of CycloneDX 1.5 JSON this service writes. */
export interface CycloneDxBom {
  bomFormat: 'CycloneDX';
  specVersion: '1.5';
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp: string;
    tools: { components: { type: 'application'; name: string; version: string }[] };
    component: CycloneDxComponent;
  };
  components: CycloneDxComponent[];
  /** Present when the `vulnerabilities` scanner ran and found advisories. */
  vulnerabilities?: CycloneDxVulnerability[];
}

/** CVSS versions as CycloneDX names its rating methods. */
export type CycloneDxRatingMethod = 'CVSSv2' | 'CVSSv3' | 'CVSSv31' | 'CVSSv4' | 'other';

/** One advisory in the BOM, affecting one or more components. */
export interface CycloneDxVulnerability {
  'bom-ref': string;
  id: string;
  source: { name: string; url: string };
  references?: { id: string; source: { name: string; url: string } }[];
  ratings: { source?: { name: string }; score?: number; severity: Vulnerability['band']; method: CycloneDxRatingMethod; vector?: string }[];
  description?: string;
  recommendation?: string;
  affects: { ref: string; versions: { version: string; status: 'affected' }[] }[];
  analysis?: { response?: ('update' | 'can_not_fix')[]; detail: string };
}

export interface CycloneDxComponent {
  type: 'container' | 'library';
  'bom-ref': string;
  name: string;
  version?: string;
  purl?: string;
  properties?: { name: string; value: string }[];
}

export interface SbomInput {
  image: ImageRef;
  packages: readonly InstalledPackage[];
  /** When the scan ran, ISO 8601. */
  timestamp: string;
  /** The scan's id: the serial number is derived from it, so a re-run of one scan writes the same BOM. */
  scanId: string;
  /** The version `metadata.tools` names ccp at; default package.json's (`CCP_VERSION`). */
  toolVersion?: string;
  /** The `vulnerabilities` scanner's findings (`vulnerabilitiesOf(report)`); none: no `vulnerabilities` array. */
  vulnerabilities?: readonly Vulnerability[];
}

/**
 * `sbom.cdx.json`: a CycloneDX 1.5 BOM of the image. `metadata.component` is the image
 * (`type: container`, its digest as the version and an OCI purl), `components` every installed
 * package (`type: library`) with its package URL, one component per purl (a package installed
 * in two places is one component with a `ccp:location` property each). `vulnerabilities`: one
 * entry per advisory (see {@link sbomVulnerabilities}).
 * @see https://cyclonedx.org/docs/1.5/json/
 * @see https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#oci
 */
export function buildSbom(input: SbomInput): CycloneDxBom {
  const byPurl = new Map<string, CycloneDxComponent>();
  for (const item of input.packages) {
    const existing = byPurl.get(item.purl);
    const location = item.qualifiers?.location;
    if (existing) {
      if (location) existing.properties = [...(existing.properties ?? []), { name: 'ccp:location', value: location }];
      continue;
    }
    byPurl.set(item.purl, {
      type: 'library',
      'bom-ref': item.purl,
      name: item.name,
      version: item.version,
      purl: item.purl,
      ...(location ? { properties: [{ name: 'ccp:location', value: location }] } : {}),
    });
  }
  const components = [...byPurl.values()].sort((a, b) => (a['bom-ref'] < b['bom-ref'] ? -1 : a['bom-ref'] > b['bom-ref'] ? 1 : 0));
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${uuidFrom(`${input.scanId}\n${input.image.ref}\n${input.image.digest ?? ''}`)}`,
    version: 1,
    metadata: {
      timestamp: input.timestamp,
      tools: { components: [{ type: 'application', name: 'ccp', version: input.toolVersion ?? CCP_VERSION }] },
      component: imageComponent(input.image),
    },
    components,
    ...(input.vulnerabilities && input.vulnerabilities.length > 0 ? { vulnerabilities: sbomVulnerabilities(input.vulnerabilities) } : {}),
  };
}

/** The rating method of a CVSS vector: `CVSS:3.0/` is CVSSv3, `CVSS:3.1/` CVSSv31, `CVSS:4.0/` CVSSv4, a bare `AV:` vector v2. */
export function ratingMethod(vector: string | undefined): CycloneDxRatingMethod {
  if (!vector) return 'other';
  if (vector.startsWith('CVSS:3.0/')) return 'CVSSv3';
  if (vector.startsWith('CVSS:3.1/')) return 'CVSSv31';
  if (vector.startsWith('CVSS:4.0/')) return 'CVSSv4';
  return /^\(?AV:/.test(vector) ? 'CVSSv2' : 'other';
}

const OSV = (id: string) => ({ name: 'OSV', url: advisoryUrl(id) });

/**
 * The BOM's `vulnerabilities`: one entry per advisory, most severe first, its OSV id and page
 * as source, its aliases (CVE) as references, the CVSS rating (method from the vector's
 * version; `other` with the band alone when the advisory gave no vector), the summary, and each
 * affected package by its component's `bom-ref` (its purl) and installed version. The fix
 * becomes the recommendation; `analysis.response` is `update` when the image's own repos or
 * registry carry the fix and `can_not_fix` when no fix exists. `analysis.state` is left out:
 * ccp matched versions, it did not assess exploitability.
 * @see https://cyclonedx.org/docs/1.5/json/#vulnerabilities
 */
export function sbomVulnerabilities(items: readonly Vulnerability[]): CycloneDxVulnerability[] {
  const byAdvisory = new Map<string, Vulnerability[]>();
  for (const item of [...items].sort(compareVulnerabilities)) byAdvisory.set(item.advisory, [...(byAdvisory.get(item.advisory) ?? []), item]);
  return [...byAdvisory.entries()].map(([id, group]) => {
    const first = group[0]!;
    const fixes = group.filter((item) => item.fixed !== null).map((item) => `${item.package} ${item.installed} → ${item.fixed}`);
    const statuses = new Set(group.map((item) => item.status));
    const response = statuses.has('fixable-now') ? (['update'] as const) : statuses.size === 1 && statuses.has('no-fix') ? (['can_not_fix'] as const) : null;
    return {
      'bom-ref': `vulnerability:${id}`,
      id,
      source: OSV(id),
      ...(first.aliases.length > 0 ? { references: first.aliases.map((alias) => ({ id: alias, source: OSV(alias) })) } : {}),
      ratings: [
        {
          source: { name: 'OSV' },
          ...(first.score !== undefined ? { score: first.score } : {}),
          severity: first.band,
          method: ratingMethod(first.vector),
          ...(first.vector ? { vector: first.vector } : {}),
        },
      ],
      ...(first.summary ? { description: first.summary } : {}),
      ...(fixes.length > 0 ? { recommendation: `Upgrade ${fixes.join(', ')}` } : {}),
      affects: group.map((item) => ({ ref: item.purl ?? item.package, versions: [{ version: item.installed, status: 'affected' as const }] })),
      analysis: {
        ...(response ? { response: [...response] } : {}),
        detail: group.map((item) => `${item.package} ${item.installed}: ${analysisDetail(item)}`).join('; '),
      },
    };
  });
}

function analysisDetail(item: Vulnerability): string {
  if (item.status === 'fixable-now') return `fixed in ${item.fixed}, available now${item.available ? ` (${item.available})` : ''}`;
  if (item.status === 'fix-upstream-only') return `fixed upstream in ${item.fixed}, not yet in the image's repositories`;
  return 'no fixed version published';
}

function imageComponent(image: ImageRef): CycloneDxComponent {
  const { repository, name, tag } = splitRef(image.ref);
  const purl = image.digest ? packageUrl({ type: 'oci', name, version: image.digest, qualifiers: { repository_url: repository, tag } }) : undefined;
  return {
    type: 'container',
    'bom-ref': image.digest ? `${repository}@${image.digest}` : image.ref,
    name: repository,
    ...(image.digest ? { version: image.digest } : tag ? { version: tag } : {}),
    ...(purl ? { purl } : {}),
  };
}

/** `registry/app/job:tag@sha256:…` → repository `registry/app/job`, last name `job`, tag. */
function splitRef(ref: string): { repository: string; name: string; tag?: string } {
  const withoutDigest = ref.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : undefined;
  const repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  return { repository, name: repository.slice(repository.lastIndexOf('/') + 1).toLowerCase(), ...(tag ? { tag } : {}) };
}

/** A name-based UUID (version 5 layout over SHA-256 bits), stable for the same text. */
function uuidFrom(text: string): string {
  const bytes = createHash('sha256').update(text).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
