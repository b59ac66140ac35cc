import { capabilitiesScanner } from './capabilities';
import { gemUpdatesScanner } from './gem-updates';
import { npmUpdatesScanner } from './npm-updates';
import { pipUpdatesScanner } from './pip-updates';
import { rpmUpdatesScanner } from './rpm-updates';
import { rpmVerifyScanner } from './rpm-verify';
import { vulnerabilitiesScanner } from './vulnerabilities';
import type { Scanner } from '../../../shared/reports/scanner-types';

/**
 * Every scanner, in the order the scan runs and reports them. A new scanner is a folder
 * `functions/scan/scanners/<id>/` with an `index.ts` exporting it and an `index.spec.ts`, added here.
 * @see https://github.com/renovatebot/renovate/blob/main/lib/modules/manager/api.ts
 */
export const SCANNERS: readonly Scanner[] = [
  rpmUpdatesScanner,
  rpmVerifyScanner,
  pipUpdatesScanner,
  npmUpdatesScanner,
  gemUpdatesScanner,
  vulnerabilitiesScanner,
  capabilitiesScanner,
];

/** The scanner with this id, or null. */
export function getScanner(id: string): Scanner | null {
  return SCANNERS.find((scanner) => scanner.id === id) ?? null;
}
