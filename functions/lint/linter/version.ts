import { CCP_VERSION } from '../../../shared/config/package-version';

/** The linter's version, reported as the SARIF tool version. */
export const LINTER_VERSION = CCP_VERSION;
