import { BuildRecords } from '../../shared/builds/records';
import type { ParentSignatureSettings } from '../../shared/config/config';
import type { BuildRecord } from '../../shared/builds/types';
import { parseImageName, type ProjectRef } from '../../shared/index/types';
import type { Logger } from '../../shared/log/logger';
import type { ScanFinding, ScannerResult } from '../../shared/reports/scanner-types';
import type { ScannerRun } from '../../shared/reports/types';
import type { RegistryClient } from '../../shared/registry/registry-client';
import type { ObjectStore } from '../../shared/store/types';
import { parentDecision, parentSignatureMessage, ParentSignatureVerifier } from '../../shared/signing/parent-signatures';

/** The report section of the parent check: not a scanner of the root filesystem, but a section like one. */
export const PARENT_SIGNATURES_SECTION = {
  id: 'parent-signatures',
  version: '1',
  description: 'Signatures of the parent images ccp built, at the digests this image was built from (CCP_PARENT_SIGNATURES)',
} as const;

/** A parent of a build as checked: its index name, the reference its build pushed, the digest. */
export interface BuiltParent {
  name: string;
  ref: string;
  digest: string;
}

/**
 * The digest of `name` a child was built from, among the parent's own builds (`parentBuilds`,
 * its build records): the digest the child's build recorded pulling (`baseImageDigests`) when a
 * parent build pushed exactly that, else the digest of the parent's last successful build that
 * ended before the child's started (what the tag named when the child pulled it). `null` when
 * no build of ccp pushed the parent (an external or hand-pushed base: not checked).
 */
export function builtParent(
  name: string,
  child: Pick<BuildRecord, 'baseImageDigests' | 'timings'>,
  parentBuilds: readonly Pick<BuildRecord, 'status' | 'image' | 'timings'>[],
): BuiltParent | null {
  const pushed = parentBuilds.filter((build) => build.status === 'succeeded' && build.image?.digest && build.timings.finishedAt);
  const pulled = child.baseImageDigests?.find((base) => pushed.some((build) => build.image!.digest === base.digest));
  const exact = pulled && pushed.find((build) => build.image!.digest === pulled.digest);
  const started = child.timings.startedAt ?? child.timings.queuedAt;
  const before = pushed.filter((build) => build.timings.finishedAt! <= started).sort((a, b) => a.timings.finishedAt!.localeCompare(b.timings.finishedAt!));
  const chosen = exact ?? before.at(-1);
  return chosen ? { name, ref: chosen.image!.ref, digest: chosen.image!.digest! } : null;
}

/**
 * The `parent-signatures` section of a scan of `project`'s build `buildId`: each parent its
 * Dockerfile names (`baseImages`) that ccp built, its signature verified at the digest the build
 * used ({@link builtParent}). `enforce`: a parent that does not verify is a
 * high finding and the section `failed` (the scan's verdict `high`); `warn`: a medium finding.
 * `null` when the policy is `off` (the report is as before). Never throws: without a build record
 * the section is `skipped`; an unreadable key is every parent's finding (`unusable key`).
 * @see ../../docs/admin-guide.md#signed-images
 */
export async function parentSignaturesRun(input: {
  settings: ParentSignatureSettings;
  client: RegistryClient;
  store: ObjectStore;
  project: ProjectRef;
  buildId?: string;
  log: Logger;
}): Promise<ScannerRun | null> {
  const { settings } = input;
  if (settings.policy === 'off') return null;
  const startedAt = new Date();
  const run = (result: ScannerResult): ScannerRun => ({
    scanner: PARENT_SIGNATURES_SECTION,
    result,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
  });
  if (!input.buildId)
    return run({ status: 'skipped', reason: 'no build names the parents of this image (a rescan without a build id)', findings: [], packages: [] });
  const records = new BuildRecords(input.store);
  const record = await records.get(input.project, input.buildId).catch(() => null);
  if (!record) return run({ status: 'skipped', reason: `no build record of ${input.buildId}`, findings: [], packages: [] });
  const notes: string[] = [];
  const parents: BuiltParent[] = [];
  for (const name of record.baseImages ?? []) {
    const project = parseImageName(name);
    const parent = project ? builtParent(name, record, await records.list(project)) : null;
    if (parent) parents.push(parent);
    else notes.push(`${name}: not checked, no build of ccp pushed it before this one (an external or hand-pushed base)`);
  }
  const verifier = new ParentSignatureVerifier(input.client, settings);
  const findings: ScanFinding[] = [];
  for (const parent of parents) {
    const verdict = await verifier.verify(parent.ref, parent.digest);
    const decision = parentDecision(settings.policy, verdict);
    if (decision === 'use') {
      notes.push(`${parent.name} (${parent.ref}@${parent.digest}): signature verified`);
      continue;
    }
    const message = parentSignatureMessage(parent.name, verdict);
    input.log.warn('parent signature does not verify', { parent: parent.name, digest: parent.digest, decision, reason: message });
    findings.push({
      id: `${parent.ref}@${parent.digest}`,
      severity: decision === 'refuse' ? 'high' : 'medium',
      title: `parent ${parent.name} signature does not verify`,
      details: { parent: parent.name, ref: parent.ref, digest: parent.digest, problem: verdict.problem, reason: verdict.reason, message },
    });
  }
  const refused = settings.policy === 'enforce' && findings.length > 0;
  return run({
    status: refused ? 'failed' : 'ok',
    ...(refused ? { reason: findings.map((finding) => finding.details.message as string).join('; ') } : {}),
    findings,
    packages: [],
    notes,
  });
}
