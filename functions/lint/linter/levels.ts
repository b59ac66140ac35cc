import type { Level } from '../../../shared/dockerfile/types';

/**
 * ccp's default levels where they differ from hadolint's. hadolint rates these best practices
 * `error`, which would fail the default threshold (`error`) for images that build and run fine:
 * on the seed's 79 Dockerfiles, MAINTAINER (DL4000) and ADD of plain files (DL3020) alone fail
 * 70. They stay reported, as warnings. A `.hadolint.yaml` `override` still wins (put them back
 * under `error:` to get hadolint's behaviour), and `LintOptions.levels: 'hadolint'` turns this off.
 * What stays `error`: what Docker refuses or runs wrongly (DL1000, DL3011, DL3021, DL3023,
 * DL3024, DL3043, DL3061, DL4004, CCP1001), policy the user set (DL3026), ShellCheck errors.
 */
export const CCP_LEVELS: Readonly<Record<string, Level>> = {
  DL3000: 'warning',
  DL3004: 'warning',
  DL3020: 'warning',
  DL4000: 'warning',
};
