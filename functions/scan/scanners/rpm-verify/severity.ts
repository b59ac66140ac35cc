import type { ScanFinding } from '../../../../shared/reports/scanner-types';
import type { VerifyLine } from './parse-verify';

const EXECUTABLE_DIRS = /^\/(usr\/)?(s?bin|lib|lib64|libexec)\//;
const SHARED_OBJECT = /\.so(\.[0-9.]+)?$/;

/** Whether the path is a program or a library: where a change means the code that runs changed. */
export function isBinaryOrLibrary(path: string): boolean {
  return EXECUTABLE_DIRS.test(path) || SHARED_OBJECT.test(path) || /^\/usr\/local\/s?bin\//.test(path);
}

/**
 * How much a verify result matters:
 * - config files (`c`) are expected to be edited: `info`, never alarming;
 * - documentation, licences, readmes and ghosts: `low`;
 * - only the mtime differs (content, size, owner and mode intact): `low`;
 * - a program or library (bin, sbin, lib, lib64, libexec, `*.so`) changed or missing: `high`;
 * - any other packaged file changed or missing: `medium`.
 * @see https://rpm-software-management.github.io/rpm/man/rpm.8#VERIFY_OPTIONS
 */
export function verifySeverity(line: VerifyLine): ScanFinding['severity'] {
  if (line.attribute === 'config') return 'info';
  if (line.attribute) return 'low';
  if (!line.missing && line.changed.every((test) => test === 'mtime')) return 'low';
  return isBinaryOrLibrary(line.path) ? 'high' : 'medium';
}
