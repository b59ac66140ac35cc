import { createHash } from 'node:crypto';
import type { CloudEvent } from 'cloudevents';
import type { ScanCompletedData } from '../../shared/events';
import { imageName } from '../../shared/index/types';
import {
  decideScanMail,
  diffPackages,
  policyFor,
  readScanFindings,
  readSbomPackages,
  rememberOutcome,
  scanMail,
  type PlannedMail,
  type ReportLinker,
} from '../../shared/mail';
import type { FunctionContext } from '../types';
import { eventKey, mailSettings } from './settings';

/**
 * The mail of a `scan.completed`, or none when the quiet policy (default: only a changed
 * result) drops it. The result's fingerprint and the SBOM's packages are remembered, so the
 * next scan can tell what changed.
 */
export async function planScanMail(event: CloudEvent<unknown>, data: ScanCompletedData, context: FunctionContext, linker: ReportLinker): Promise<PlannedMail[]> {
  const settings = mailSettings(context.config);
  const log = context.log.child({ project: imageName(data.project), eventId: event.id, ...(data.buildId ? { buildId: data.buildId } : {}) });
  const findings = await readScanFindings(context.store, data.reports.json);
  const packages = await readSbomPackages(context.store, data.reports.sbom);
  const fingerprint = fingerprintOf(data, findings);
  const previous = await rememberOutcome(context.store, data.project, 'scan', {
    event: eventKey(event),
    fingerprint,
    ...(data.image.digest ? { digest: data.image.digest } : {}),
    ...(packages ? { packages } : {}),
    at: event.time ?? new Date().toISOString(),
  });
  const decision = decideScanMail(policyFor(settings.policies, data.project), previous?.fingerprint ?? null, fingerprint);
  log.info(decision.send ? 'scan mail due' : 'scan not mailed', { why: decision.why });
  if (!decision.send) return [];
  const entry = await context.findEntry(data.project);
  if (!entry) log.warn('the scanned image is not in the index; mailing only the configured Cc', {});
  const reports = new Map<string, string>();
  for (const key of [data.reports.html, data.reports.json, data.reports.sbom]) {
    if (await context.store.head(key)) reports.set(key.slice(key.lastIndexOf('/') + 1), key);
  }
  const diff = previous?.packages && packages ? diffPackages(previous.packages, packages) : null;
  const document = await scanMail({ data, findings, packages, diff, reports, registry: context.config.registry }, linker);
  return [
    {
      key: 'scan',
      to: entry?.notifyEmail ?? [],
      cc: settings.cc,
      document,
      records: data.buildId ? [{ ref: data.project, buildId: data.buildId }] : [],
      headers: { 'X-CCP-Event': event.id, 'X-CCP-Project': imageName(data.project) },
    },
  ];
}

/** What "the result changed" compares: each scanner's status and the ids of its findings. */
function fingerprintOf(data: ScanCompletedData, findings: ReadonlyMap<string, { ids: string[] }>): string {
  const parts = Object.entries(data.scanners)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, summary]) => `${id}:${summary.status}:${findings.get(id)?.ids.join(',') ?? summary.findings}`);
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
