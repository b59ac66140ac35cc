import type { BaseImageDigest } from '../../shared/builds/builder-types';
import { BuildRecords } from '../../shared/builds/records';
import type { ParentSignatureSettings } from '../../shared/config/config';
import type { ProjectRef } from '../../shared/index/types';
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

/**
 * The in-index parents of a build: its base images at the digests it pulled
 * (`baseImageDigests`) that are in the pipeline's registry and are index images its Dockerfile
 * names (`baseImages`). An external base (`quay.io/centos/centos`) is never one.
 */
export function inIndexParents(
  record: { baseImages?: string[]; baseImageDigests?: BaseImageDigest[] },
  registry: string,
): { name: string; ref: string; digest: string }[] {
  const names = new Set(record.baseImages ?? []);
  const prefix = `${registry}/`;
  return (record.baseImageDigests ?? []).flatMap((base) => {
    const name = base.ref.startsWith(prefix) ? base.ref.slice(prefix.length) : undefined;
    return name && names.has(name) ? [{ name, ref: base.ref, digest: base.digest }] : [];
  });
}

/**
 * The `parent-signatures` section of a scan of `project`'s build `buildId`: each in-index parent's
 * signature verified at the digest the build used. `enforce`: a parent that does not verify is a
 * high finding and the section `failed` (the scan's verdict `high`); `warn`: a medium finding.
 * `null` when the policy is `off` (the report is as before). Never throws: without a build record
 * the section is `skipped`; an unreadable key is every parent's finding (`unusable key`).
 * @see ../../docs/admin-guide.md#signed-images
 */
export async function parentSignaturesRun(input: {
  settings: ParentSignatureSettings;
  client: RegistryClient;
  store: ObjectStore;
  registry: string;
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
  const record = await new BuildRecords(input.store).get(input.project, input.buildId).catch(() => null);
  if (!record) return run({ status: 'skipped', reason: `no build record of ${input.buildId}`, findings: [], packages: [] });
  const parents = inIndexParents(record, input.registry);
  const unrecorded = (record.baseImages ?? []).filter((name) => !parents.some((parent) => parent.name === name));
  const notes = unrecorded.map(
    (name) => `${name}: not checked, the digest the build pulled is not recorded (an external or unresolved base, or the kubernetes backend)`,
  );
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
