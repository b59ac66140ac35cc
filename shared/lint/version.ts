/** The linter's version, reported as the SARIF tool version. */
export const LINTER_VERSION = '0.1.0';
