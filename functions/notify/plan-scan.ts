import { createHash } from 'node:crypto';
import type { CloudEvent } from 'cloudevents';
import type { ScanCompletedData } from '../../shared/events/contracts/scan-completed';
import { imageName } from '../../shared/index/types';
import { decideScanMail, policyFor } from './mail/policy';
import { diffPackages } from './mail/package-changes';
import { readNoticeWait } from './mail/notice-waits';
import { readScanDigest, readScanFindings, readSbomPackages, readVulnerabilities } from './mail/report-reading';
import { advisoryKey, newAdvisories } from './mail/vulnerability-changes';
import { rememberOutcome } from './mail/memory';
import { scanMail } from './mail/mails/scan-mail';
import { type PlannedMail } from './mail/deliver';
import { type ReportLinker } from './mail/links';
import type { FunctionContext } from '../../shared/function/types';
import { readBuildFacts } from './build-facts';
import { eventKey, type NotifyContext } from './settings';

/**
 * The mail of a `scan.completed`, or none when the quiet policy (default: only a changed
 * result) drops it, or when it is the scan of a first build of a cascade: the cascade's notice
 * carries it (unless the notice went out without it). The result's fingerprint and the SBOM's
 * packages are remembered either way, so the next scan can tell what changed.
 */
export async function planScanMail(event: CloudEvent<unknown>, data: ScanCompletedData, context: NotifyContext, linker: ReportLinker): Promise<PlannedMail[]> {
  const settings = context.mail;
  const log = context.log.child({ project: imageName(data.project), eventId: event.id, ...(data.buildId ? { buildId: data.buildId } : {}) });
  const findings = await readScanFindings(context.store, data.reports.json);
  const packages = await readSbomPackages(context.store, data.reports.sbom);
  const vulnerabilities = await readVulnerabilities(context.store, data.reports.json);
  const fingerprint = fingerprintOf(data, findings);
  const previous = await rememberOutcome(context.store, data.project, 'scan', {
    event: eventKey(event),
    fingerprint,
    ...(data.image.digest ? { digest: data.image.digest } : {}),
    ...(packages ? { packages } : {}),
    ...(vulnerabilities?.status === 'ok' ? { advisories: vulnerabilities.items.map(advisoryKey) } : {}),
    at: event.time ?? new Date().toISOString(),
  });
  if (data.buildId && (await carriedByNotice(data.project, data.buildId, context))) {
    log.info("scan not mailed: the first build's cascade notice carries it", {});
    return [];
  }
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
  const scan = await readScanDigest(context.store, data.reports.json);
  const fresh = vulnerabilities ? newAdvisories(previous?.advisories, vulnerabilities.items) : null;
  const document = await scanMail(
    {
      data,
      scan,
      packages,
      diff,
      reports,
      registry: context.config.registry,
      vulnerabilities: { reading: vulnerabilities, fresh, threshold: settings.vulnerabilitySeverity },
    },
    linker,
  );
  return [
    {
      key: 'scan',
      to: entry?.notifyEmail ?? [],
      cc: settings.cc,
      document,
      records: data.buildId ? [{ ref: data.project, buildId: data.buildId }] : [],
      kind: 'scan',
      about: [{ ref: data.project, ...(data.buildId ? { buildId: data.buildId } : {}) }],
      headers: { 'X-CCP-Event': event.id, 'X-CCP-Project': imageName(data.project) },
    },
  ];
}

/**
 * True for the scan of a first build made in a cascade whose notice did not go out without this
 * scan: the notice waits for it and mails build and scan together.
 */
async function carriedByNotice(project: ScanCompletedData['project'], buildId: string, context: FunctionContext): Promise<boolean> {
  const facts = await readBuildFacts(context.store, project, buildId);
  if (facts?.cause.kind !== 'first-build' || !facts.cause.cascade) return false;
  const wait = await readNoticeWait(context.store, facts.cause.cascade);
  return !wait?.missing.includes(buildId);
}

/** What "the result changed" compares: each scanner's status and the ids of its findings. */
function fingerprintOf(data: ScanCompletedData, findings: ReadonlyMap<string, { ids: string[] }>): string {
  const parts = Object.entries(data.scanners)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, summary]) => `${id}:${summary.status}:${findings.get(id)?.ids.join(',') ?? summary.findings}`);
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
