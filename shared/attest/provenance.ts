import path from 'node:path';
import type { BaseImageDigest } from '../builds/builder-types';
import type { ProjectEntry } from '../index/types';

/** The in-toto Statement layer every ccp attestation uses. @see https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md */
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_TYPE = 'https://slsa.dev/provenance/v1';
export const CYCLONEDX_PREDICATE_TYPE = 'https://cyclonedx.org/bom';
/** What a ccp build is: the template its externalParameters follow (documented in the admin guide). */
export const CCP_BUILD_TYPE = 'https://github.com/centos/ccp/build-types/buildah-index-entry/v1';

/** An in-toto ResourceDescriptor. @see https://github.com/in-toto/attestation/blob/main/spec/v1/resource_descriptor.md */
export interface ResourceDescriptor {
  uri?: string;
  name?: string;
  digest: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Statement<P = unknown> {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: ResourceDescriptor[];
  predicateType: string;
  predicate: P;
}

/** What one finished build knows about itself, all a provenance needs. */
export interface BuildFacts {
  buildId: string;
  entry: ProjectEntry;
  commit: string;
  /** Repository of the pushed image, without tag or digest: `host:port/app/job`. */
  repository: string;
  tag: string;
  /** `sha256:…` of the pushed manifest. */
  digest: string;
  baseImages: BaseImageDigest[];
  startedOn: string;
  finishedOn: string;
  /** Which backend built it: `local` or `kubernetes`. */
  backend: string;
  /** The builder's identity, a URI naming this ccp installation. */
  builderId: string;
  /** Versions of the tools that built it (`buildah`, `ccp`). */
  builderVersions?: Record<string, string>;
}

/** `sha256:abc…` → `{ sha256: 'abc…' }`, the digest set form in-toto uses. */
export function digestSet(digest: string): Record<string, string> {
  const at = digest.indexOf(':');
  if (at <= 0) throw new Error(`not an algorithm:hex digest: ${digest}`);
  return { [digest.slice(0, at)]: digest.slice(at + 1) };
}

/**
 * The in-toto Statement with a SLSA v1 provenance predicate for one built image: its subject is
 * the pushed manifest; externalParameters are the index entry's fields a user controls;
 * resolvedDependencies the git commit and each parent image at the digest the build pulled.
 * @see https://slsa.dev/spec/v1.0/provenance
 */
export function provenanceStatement(facts: BuildFacts): Statement {
  const { entry } = facts;
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: facts.repository, digest: digestSet(facts.digest) }],
    predicateType: SLSA_PROVENANCE_TYPE,
    predicate: {
      buildDefinition: {
        buildType: CCP_BUILD_TYPE,
        externalParameters: {
          index: { appId: entry.appId, jobId: entry.jobId, desiredTag: entry.desiredTag, file: entry.source.file, line: entry.source.line },
          source: { gitUrl: entry.gitUrl, gitBranch: entry.gitBranch },
          dockerfile: joinPath(entry.gitPath, entry.targetFile),
          buildContext: joinPath(entry.gitPath, entry.buildContext),
          ...(entry.prebuildScript ? { prebuild: { script: entry.prebuildScript, context: entry.prebuildContext ?? '' } } : {}),
          dependsOn: entry.dependsOn,
        },
        internalParameters: { backend: facts.backend, tag: facts.tag, isolation: 'chroot', layers: true, pull: 'always' },
        resolvedDependencies: [
          { uri: `git+${entry.gitUrl}@refs/heads/${entry.gitBranch}`, digest: { gitCommit: facts.commit } },
          ...facts.baseImages.map((base) => ({ uri: `oci://${base.ref}`, name: base.ref, digest: digestSet(base.digest) })),
        ],
      },
      runDetails: {
        builder: { id: facts.builderId, ...(facts.builderVersions ? { version: facts.builderVersions } : {}) },
        metadata: { invocationId: facts.buildId, startedOn: facts.startedOn, finishedOn: facts.finishedOn },
      },
    },
  };
}

/**
 * The statement carrying an image's CycloneDX SBOM as its predicate.
 * @see https://github.com/in-toto/attestation/blob/main/spec/predicates/cyclonedx.md
 */
export function sbomStatement(repository: string, digest: string, bom: unknown): Statement {
  return { _type: IN_TOTO_STATEMENT_TYPE, subject: [{ name: repository, digest: digestSet(digest) }], predicateType: CYCLONEDX_PREDICATE_TYPE, predicate: bom };
}

/** A path of the checkout as people write it: `app` for `app` + `./`, `.` for the root. */
function joinPath(folder: string, file: string): string {
  return path.posix.join(folder || '.', file || '.').replace(/(.)\/+$/, '$1');
}
