import type { ImageRef } from '../events/types';
import type { ProjectRef } from '../index/types';
import type { InstalledPackage } from './scanner-types';
import { imageStateKey } from '../store/keys';
import type { ObjectStore } from '../store/types';
import type { ScanReport, ScanVerdict, SeverityCount } from './types';

/**
 * `state/images/<app-id>/<job-id>/<tag>.json`: what the service knows of an image after its
 * last scan. Repo tracking reads `repos` (the RPM repositories the image configures) and
 * `packages` (every installed package, all ecosystems) to tell which images a repository
 * change touches.
 */
export interface ImageState {
  format: 'ccp.image-state/v1';
  project: ProjectRef;
  /** The latest scanned image, with its digest. */
  image: ImageRef;
  lastScan: {
    scanId: string;
    buildId?: string;
    at: string;
    verdict: ScanVerdict;
    counts: SeverityCount;
    reports: { json: string; html: string; sbom: string };
  };
  packages: InstalledPackage[];
  /** From rpm-updates' `extra.repos`: `{id, baseurl, …}` per enabled repository; empty without it. */
  repos: unknown[];
}

/** The image state after `report`, from the scanners' packages and rpm-updates' repos. */
export function buildImageState(project: ProjectRef, report: ScanReport, packages: InstalledPackage[], reports: ImageState['lastScan']['reports']): ImageState {
  const repos = report.scanners['rpm-updates']?.extra?.repos;
  return {
    format: 'ccp.image-state/v1',
    project,
    image: report.image,
    lastScan: {
      scanId: report.scanId,
      ...(report.buildId ? { buildId: report.buildId } : {}),
      at: report.scannedAt,
      verdict: report.verdict,
      counts: report.counts,
      reports,
    },
    packages,
    repos: Array.isArray(repos) ? repos : [],
  };
}

/**
 * Writes the image state unless the stored one is from a later scan (a slow, older scan must
 * not hide a newer one). Answers whether it wrote.
 * @see ../store/readme.md
 */
export async function writeImageState(store: ObjectStore, state: ImageState): Promise<boolean> {
  const key = imageStateKey(state.project);
  const stored = await store.get(key);
  if (stored) {
    try {
      const previous = JSON.parse(stored.body.toString('utf8')) as Partial<ImageState>;
      if (typeof previous.lastScan?.at === 'string' && previous.lastScan.at > state.lastScan.at) return false;
    } catch {
      // A stored state that is not JSON is replaced.
    }
  }
  await store.put(key, `${JSON.stringify(state, null, 2)}\n`, { contentType: 'application/json' });
  return true;
}

/** The stored image state, or `null` when there is none or it is unreadable. */
export async function readImageState(store: ObjectStore, project: ProjectRef): Promise<ImageState | null> {
  const stored = await store.get(imageStateKey(project));
  if (!stored) return null;
  try {
    return JSON.parse(stored.body.toString('utf8')) as ImageState;
  } catch {
    return null;
  }
}
