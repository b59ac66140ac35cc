import { createHash } from 'node:crypto';
import { CCP_VERSION } from '../../../shared/config/package-version';
import type { ImageRef } from '../../../shared/events/types';
import { packageUrl } from '../../../shared/reports/purl';
import type { InstalledPackage } from '../../../shared/reports/scanner-types';

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
}

/**
 * `sbom.cdx.json`: a CycloneDX 1.5 BOM of the image. `metadata.component` is the image
 * (`type: container`, its digest as the version and an OCI purl), `components` every installed
 * package (`type: library`) with its package URL, one component per purl (a package installed
 * in two places is one component with a `ccp:location` property each).
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
  };
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
