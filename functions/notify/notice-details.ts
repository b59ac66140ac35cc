import type { NoticeItem, NoticeRequestedData } from '../../shared/events/contracts/notice-requested';
import type { ScannerSummary } from '../../shared/events/contracts/scan-completed';
import { CascadeStore } from '../../shared/cascade/cascade-store';
import type { CascadeItem } from '../../shared/cascade/types';
import { imageName } from '../../shared/index/types';
import { listReports, readLintDigest, readScanDigest, type ScannerDigest } from './mail/report-reading';
import { type NoticeItemDetail } from './mail/mails/notice-mail';
import { type ParentImage } from './mail/mails/sections';
import { reportsPrefix } from '../../shared/store/keys';
import type { FunctionContext } from '../../shared/function/types';
import { parentImageOf, readBuildFacts } from './build-facts';

/**
 * Per image of a cascade, what its mail section needs beyond the notice: its own cause and the
 * chain before it, commit and entry (from the build record, else the cascade record), the lint
 * digest, the scan (or `missing`), the parent image it was built on, and its report files.
 */
export async function noticeDetails(
  data: NoticeRequestedData,
  context: FunctionContext,
  missingScans: ReadonlySet<string>,
): Promise<Map<string, NoticeItemDetail>> {
  const cascadeItems = await cascadeItemsOf(data.cascade, context);
  const images = new Map<string, ParentImage>();
  for (const item of [...cascadeItems.values(), ...data.items]) {
    if (item.image) images.set(imageName(item.project), { ref: item.image.ref, ...(item.image.digest ? { digest: item.image.digest } : {}) });
  }
  const details = new Map<string, NoticeItemDetail>();
  for (const item of data.items) {
    const name = imageName(item.project);
    const planned = cascadeItems.get(name);
    const facts = item.buildId ? await readBuildFacts(context.store, item.project, item.buildId) : null;
    const cause = facts?.cause ?? planned?.cause ?? data.cause;
    const commit = facts?.commit ?? planned?.commit;
    const reports = item.buildId ? await listReports(context.store, `${reportsPrefix(item.project)}${item.buildId}`) : new Map<string, string>();
    const lintKey = item.reports?.lint ?? reports.get('lint.json');
    details.set(name, {
      cause,
      causeChain: facts?.earlier ?? planned?.causeChain ?? [],
      ...(commit ? { commit } : {}),
      entry: item.entry ?? facts?.entry ?? planned?.entry ?? (await context.findEntry(item.project)),
      lint: lintKey ? await readLintDigest(context.store, lintKey) : null,
      scan: await scanOf(item, reports, missingScans, context),
      parent: await parentImageOf(context.store, cause, images),
      reports,
    });
  }
  return details;
}

async function scanOf(
  item: NoticeItem,
  reports: ReadonlyMap<string, string>,
  missingScans: ReadonlySet<string>,
  context: FunctionContext,
): Promise<NoticeItemDetail['scan']> {
  if (item.buildId && missingScans.has(item.buildId)) return 'missing';
  const key = reports.get('scan.json');
  const digest = key ? await readScanDigest(context.store, key) : null;
  return digest ? { digest, scanners: summariesOf(digest) } : null;
}

function summariesOf(digest: ReadonlyMap<string, ScannerDigest>): Record<string, ScannerSummary> {
  const status = (value: string): ScannerSummary['status'] => (value === 'failed' || value === 'skipped' ? value : 'ok');
  return Object.fromEntries(
    [...digest.entries()].map(([id, scanner]) => [
      id,
      { status: status(scanner.status), findings: scanner.findings, ...(scanner.reason ? { reason: scanner.reason } : {}) },
    ]),
  );
}

/** The cascade record's items by image name (origin included); empty when it cannot be read. */
async function cascadeItemsOf(cascade: string, context: FunctionContext): Promise<Map<string, CascadeItem>> {
  try {
    const record = await new CascadeStore(context.store).get(cascade);
    return new Map((record?.items ?? []).map((item) => [item.name, item]));
  } catch (error) {
    context.log.warn('the cascade record could not be read; images are described from the notice alone', { cascade, error });
    return new Map();
  }
}
