export { limitText, MAX_REASON_LENGTH } from './limit';
export { findSecrets, redact, redactorFor, REDACTED, replaceRanges, URL_USERINFO_MAX, type Range, type Redactor, type Secrets } from './redact';
export { MAX_HELD, RedactingLog } from './redacting-stream';
export { secretForms, stableBase64 } from './secret-forms';
export { configuredSecrets, loginSecrets } from './secrets';
