import path from 'node:path';
import type { ProjectRef } from '../../../shared/index/types';
import { reportKey } from '../../../shared/store/keys';
import type { ObjectStore } from '../../../shared/store/types';
import type { CycloneDxBom } from './cyclonedx';
import { renderScanHtml } from './scan-html';
import type { ScanReport } from '../../../shared/reports/types';

/** Object store keys of one scan's reports. */
export interface ScanReportKeys {
  json: string;
  html: string;
  sbom: string;
}

/** The keys of a scan's reports: `reports/<app>/<job>/<tag>/<folder>/{scan.json, scan.html, sbom.cdx.json}`. */
export function scanReportKeys(project: ProjectRef, folder: string): ScanReportKeys {
  return {
    json: reportKey(project, folder, 'scan.json'),
    html: reportKey(project, folder, 'scan.html'),
    sbom: reportKey(project, folder, 'sbom.cdx.json'),
  };
}

/**
 * Stores `scan.json`, `scan.html` and `sbom.cdx.json` of one scan under the build's report
 * folder (`folder` is the build id, or a scan id for a scan without a build). The page links
 * the build log and lint report by path relative to itself when they are keys of this store
 * (so it works wherever the store is served), or as given when they are URLs.
 * @see ../../../shared/store/keys.ts
 */
export async function storeScanReports(
  store: ObjectStore,
  project: ProjectRef,
  folder: string,
  report: ScanReport,
  sbom: CycloneDxBom,
): Promise<ScanReportKeys> {
  const keys = scanReportKeys(project, folder);
  const withLinks: ScanReport = { ...report, links: { ...report.links, json: keys.json, html: keys.html, sbom: keys.sbom } };
  const href = (target: string | undefined): string | undefined => (target === undefined ? undefined : relativeHref(keys.html, target));
  const html = renderScanHtml(withLinks, {
    buildLog: href(report.links.buildLog),
    lint: href(report.links.lint),
    json: href(keys.json),
    sbom: href(keys.sbom),
  });
  await store.put(keys.json, `${JSON.stringify(withLinks, null, 2)}\n`, { contentType: 'application/json' });
  await store.put(keys.sbom, `${JSON.stringify(sbom, null, 2)}\n`, { contentType: 'application/vnd.cyclonedx+json' });
  await store.put(keys.html, html, { contentType: 'text/html; charset=utf-8' });
  return keys;
}

/** `target` as seen from the page at `fromKey`: a relative path for a key, unchanged for a URL. */
export function relativeHref(fromKey: string, target: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return target;
  return path.posix.relative(path.posix.dirname(fromKey), target);
}
