import type { Issue } from '../errors/validation-error';
import { MAIL, read } from './settings';
import type { SmtpSecurity } from './settings/mail';
import type { SeverityThreshold } from '../reports/vulnerabilities';

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
export type { SmtpSecurity };

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
  /** The least CVSS band of an advisory a scan mail lists (`CCP_MAIL_VULNERABILITY_SEVERITY`, default `medium`). */
  vulnerabilitySeverity: SeverityThreshold;
}

export const MAIL_ENV = {
  smtpHost: MAIL.smtpHost.env!,
  smtpPort: MAIL.smtpPort.env!,
  smtpSecure: MAIL.smtpSecure.env!,
  smtpUser: MAIL.smtpUser.env!,
  smtpPassword: MAIL.smtpPassword.env!,
  from: MAIL.from.env!,
  cc: MAIL.cc.env!,
  toDir: MAIL.toDir.env!,
  reportsBaseUrl: MAIL.reportsBaseUrl.env!,
  linkLifetime: MAIL.linkLifetimeSeconds.env!,
  noticeScanWait: MAIL.noticeScanWaitSeconds.env!,
};

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
  vulnerabilitySeverity?: string;
}

/** Under the notify Service's 300 s request timeout, so one delivery waits it out (declared in shared/config/settings/mail.ts). */
export const DEFAULT_NOTICE_SCAN_WAIT = MAIL.noticeScanWaitSeconds.default;
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
  const source = { env, file: { mail: file }, where, issues };
  const host = read(MAIL.smtpHost, source);
  const security = read(MAIL.smtpSecure, source);
  const port = read(MAIL.smtpPort, source) ?? (security === 'tls' ? 465 : 587);
  const password = read(MAIL.smtpPassword, source);
  const user = read(MAIL.smtpUser, source);
  const smtp = host ? { host, port, ...(security ? { security } : {}), ...(user ? { user } : {}), ...(password ? { password } : {}) } : undefined;
  const toDir = read(MAIL.toDir, source);
  const reportsBaseUrl = read(MAIL.reportsBaseUrl, source);
  const policies = readPolicies(read(MAIL.policies, source), bad);

  const secrets = [
    password,
    ...Object.entries(env)
      .filter(([name]) => name.startsWith('CCP_') && SECRET_NAME.test(name))
      .map(([, value]) => value),
  ];
  return {
    ...(smtp ? { smtp } : {}),
    ...(toDir ? { toDir } : {}),
    from: read(MAIL.from, source),
    cc: read(MAIL.cc, source),
    ...(reportsBaseUrl ? { reportsBaseUrl } : {}),
    linkLifetimeSeconds: read(MAIL.linkLifetimeSeconds, source),
    policies,
    secrets: [...new Set(secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4))],
    noticeScanWaitSeconds: read(MAIL.noticeScanWaitSeconds, source),
    vulnerabilitySeverity: read(MAIL.vulnerabilitySeverity, source),
  };
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
