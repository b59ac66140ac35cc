/*
 * The contract's bounds and value lists, kept apart from the schemas so that the run-time check
 * (check.ts) reads them without loading TypeBox.
 */

/** Largest cause message: 4 KiB, far above any the pipeline writes (a deep cascade's chained "because" included). */
export const MAX_MESSAGE_CHARS = 4096;
/** Largest reason (a failed build, lint or scanner): 16 KiB, room for a tool's error output. */
export const MAX_REASON_CHARS = 16 * 1024;
/** Largest reference or digest: an image reference is at most 255 + 128 + 71 characters. */
export const MAX_REF_CHARS = 1024;

/** A string with something besides whitespace (what "non-empty" means everywhere in the contract). */
export const NON_BLANK = '\\S';

/**
 * `app-id/job-id:tag` with the tag spelled out, what `imageName` writes and `parseImageName`
 * reads back unchanged.
 */
export const IMAGE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$';

/** Why a build happens. The seed's e-mails name these as "Cause of build". */
export const BUILD_CAUSE_KINDS = ['first-build', 'git-push', 'parent-rebuilt', 'rpm-update', 'index-change', 'manual'] as const;
