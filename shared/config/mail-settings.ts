import type { Issue } from '../errors/validation-error';

/** How builds are mailed: every one, or only failures and the build that fixes a failure. */
export type BuildMailPolicy = 'all' | 'failures-and-fixes';
/** How scans are mailed: only when the result differs from the previous scan, or always. */
export type ScanMailPolicy = 'changes' | 'always';

/**
 * A project's quiet policy. `builds` unset means the default: every build for manual and first
 * builds, failures and fixes only for automatic rebuilds.
 */
export interface MailPolicy {
  builds?: BuildMailPolicy;
  scans?: ScanMailPolicy;
}

/** `tls`: TLS from the first byte (port 465); `starttls`: must upgrade; `none`: never upgrade. */
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface SmtpSettings {
  host: string;
  port: number;
  /** Unset: upgrade with STARTTLS when the server offers it (nodemailer's default). */
  security?: SmtpSecurity;
  user?: string;
  password?: string;
}

/** Everything the notify function is configured with. */
export interface MailSettings {
  /** Unset (and no `toDir`): mails are not sent, only logged. */
  smtp?: SmtpSettings;
  /** Write each mail as a `.eml` file here instead of sending it (`ccp run --mail-to-dir`). */
  toDir?: string;
  from: string;
  /** Copied on every mail. */
  cc: string[];
  /** A public URL in front of `reports/` (a Route); unset: presigned URLs on S3, else the local service. */
  reportsBaseUrl?: string;
  /** Lifetime of presigned report links, in seconds (S3 allows at most 7 days). */
  linkLifetimeSeconds: number;
  /** Quiet policies by `app-id/job-id:tag` or by app-id; `*` is everyone else's. */
  policies: Record<string, MailPolicy>;
  /** Values that must never appear in a mail (passwords, keys), gathered from the configuration. */
  secrets: string[];
  /**
   * How long a cascade's notice waits for the scans of its images, in seconds (0: not at all);
   * after it, the notice goes out with what is there and names the scans still missing.
   */
  noticeScanWaitSeconds: number;
}

export const MAIL_ENV = {
  smtpHost: 'CCP_SMTP_HOST',
  smtpPort: 'CCP_SMTP_PORT',
  smtpSecure: 'CCP_SMTP_SECURE',
  smtpUser: 'CCP_SMTP_USER',
  smtpPassword: 'CCP_SMTP_PASSWORD',
  from: 'CCP_MAIL_FROM',
  cc: 'CCP_MAIL_CC',
  toDir: 'CCP_MAIL_TO_DIR',
  reportsBaseUrl: 'CCP_REPORTS_BASE_URL',
  linkLifetime: 'CCP_REPORT_LINK_LIFETIME',
  noticeScanWait: 'CCP_NOTICE_SCAN_WAIT',
} as const;

/** The `mail:` block of the configuration file. */
export interface MailFileSettings {
  smtp?: { host?: string; port?: number; secure?: string | boolean; user?: string; password?: string };
  from?: string;
  cc?: string | string[];
  toDir?: string;
  reportsBaseUrl?: string;
  linkLifetimeSeconds?: number;
  policies?: Record<string, MailPolicy>;
  noticeScanWaitSeconds?: number;
}

const MAX_LINK_LIFETIME = 7 * 24 * 3600;
/** Under the notify Service's 300 s request timeout, so one delivery waits it out. */
export const DEFAULT_NOTICE_SCAN_WAIT = 240;
const MAX_NOTICE_SCAN_WAIT = 3600;
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY)/;

/**
 * Reads the mail settings from `CCP_SMTP_*` / `CCP_MAIL_*` variables and the file's `mail:`
 * block (a variable beats the file); pushes every bad value into `issues` with its field.
 * @see https://nodemailer.com/smtp/
 */
export function loadMailSettings(file: MailFileSettings = {}, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): MailSettings {
  const bad = (field: string, message: string): void => {
    issues.push({ ...where, field, message });
  };
  const host = env[MAIL_ENV.smtpHost] ?? file.smtp?.host;
  const security = readSecurity(env[MAIL_ENV.smtpSecure] ?? file.smtp?.secure, bad);
  const defaultPort = security === 'tls' ? 465 : 587;
  const port = readInteger(env[MAIL_ENV.smtpPort] ?? file.smtp?.port, defaultPort, 'mail.smtp.port', 1, 65535, bad);
  const password = env[MAIL_ENV.smtpPassword] ?? file.smtp?.password;
  const user = env[MAIL_ENV.smtpUser] ?? file.smtp?.user;
  const smtp = host ? { host, port, ...(security ? { security } : {}), ...(user ? { user } : {}), ...(password ? { password } : {}) } : undefined;

  const ccText = env[MAIL_ENV.cc] ?? file.cc ?? [];
  const cc = (Array.isArray(ccText) ? ccText : ccText.split(',')).map((address) => address.trim()).filter(Boolean);
  const reportsBaseUrl = env[MAIL_ENV.reportsBaseUrl] ?? file.reportsBaseUrl;
  if (reportsBaseUrl && !/^https?:\/\/[^/]/.test(reportsBaseUrl)) bad('mail.reportsBaseUrl', 'must be an http(s) URL');
  const linkLifetimeSeconds = readInteger(env[MAIL_ENV.linkLifetime] ?? file.linkLifetimeSeconds, MAX_LINK_LIFETIME, 'mail.linkLifetimeSeconds', 1, MAX_LINK_LIFETIME, bad);
  const policies = readPolicies(file.policies ?? {}, bad);
  const noticeScanWaitSeconds = readInteger(env[MAIL_ENV.noticeScanWait] ?? file.noticeScanWaitSeconds, DEFAULT_NOTICE_SCAN_WAIT, 'mail.noticeScanWaitSeconds', 0, MAX_NOTICE_SCAN_WAIT, bad);

  const secrets = [password, ...Object.entries(env).filter(([name]) => name.startsWith('CCP_') && SECRET_NAME.test(name)).map(([, value]) => value)];
  return {
    ...(smtp ? { smtp } : {}),
    ...(env[MAIL_ENV.toDir] ?? file.toDir ? { toDir: env[MAIL_ENV.toDir] ?? file.toDir } : {}),
    from: env[MAIL_ENV.from] ?? file.from ?? 'ccp@localhost',
    cc,
    ...(reportsBaseUrl ? { reportsBaseUrl } : {}),
    linkLifetimeSeconds,
    policies,
    secrets: [...new Set(secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4))],
    noticeScanWaitSeconds,
  };
}

function readSecurity(value: unknown, bad: (field: string, message: string) => void): SmtpSecurity | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value).toLowerCase();
  if (['tls', 'true', 'yes', '1', 'ssl'].includes(text)) return 'tls';
  if (text === 'starttls') return 'starttls';
  if (['none', 'false', 'no', '0', 'off'].includes(text)) return 'none';
  bad('mail.smtp.secure', 'must be tls, starttls or none');
  return undefined;
}

function readInteger(value: unknown, fallback: number, field: string, min: number, max: number, bad: (field: string, message: string) => void): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (Number.isInteger(number) && number >= min && number <= max) return number;
  bad(field, `must be a whole number from ${min} to ${max}`);
  return fallback;
}

const BUILD_POLICIES: readonly string[] = ['all', 'failures-and-fixes'];
const SCAN_POLICIES: readonly string[] = ['changes', 'always'];

function readPolicies(value: unknown, bad: (field: string, message: string) => void): Record<string, MailPolicy> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad('mail.policies', 'must be a mapping of project or app-id to {builds, scans}');
    return {};
  }
  const policies: Record<string, MailPolicy> = {};
  for (const [name, policy] of Object.entries(value as Record<string, unknown>)) {
    const field = `mail.policies.${name}`;
    if (typeof policy !== 'object' || policy === null) {
      bad(field, 'must be a mapping with builds and/or scans');
      continue;
    }
    const { builds, scans } = policy as Record<string, unknown>;
    if (builds !== undefined && !BUILD_POLICIES.includes(String(builds))) bad(`${field}.builds`, `must be one of ${BUILD_POLICIES.join(', ')}`);
    if (scans !== undefined && !SCAN_POLICIES.includes(String(scans))) bad(`${field}.scans`, `must be one of ${SCAN_POLICIES.join(', ')}`);
    policies[name] = { ...(builds ? { builds: builds as BuildMailPolicy } : {}), ...(scans ? { scans: scans as ScanMailPolicy } : {}) };
  }
  return policies;
}
