import { declare, Invalid, type SettingGroup } from './api';
import { httpUrl, list, mapping, oneOf, text, wholeNumber } from './parsers';
import { SEVERITY_THRESHOLDS, type SeverityThreshold } from '../../reports/vulnerabilities';

/** How one bound of seconds or a port is refused, as the mail settings always said it. */
const between = (min: number, max: number) => wholeNumber(min, `must be a whole number from ${min} to ${max}`, max);

/** `tls`: TLS from the first byte (port 465); `starttls`: must upgrade; `none`: never upgrade. */
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

/** S3 allows presigned links of at most 7 days. */
export const MAX_LINK_LIFETIME = 7 * 24 * 3600;

/** The notify function's mail. */
export const MAIL = {
  smtpHost: declare({ env: 'CCP_SMTP_HOST', key: 'mail.smtp.host', description: 'the SMTP server; unset: no mail is sent (logged only)', parse: text }),
  smtpPort: declare({ env: 'CCP_SMTP_PORT', key: 'mail.smtp.port', description: 'its port (default 587, 465 with `tls`)', parse: between(1, 65535) }),
  smtpSecure: declare({
    env: 'CCP_SMTP_SECURE',
    key: 'mail.smtp.secure',
    description: '`tls`, `starttls` or `none` (unset: STARTTLS when the server offers it)',
    parse: (raw): SmtpSecurity | Invalid => {
      const word = String(raw).toLowerCase();
      if (['tls', 'true', 'yes', '1', 'ssl'].includes(word)) return 'tls';
      if (word === 'starttls') return 'starttls';
      if (['none', 'false', 'no', '0', 'off'].includes(word)) return 'none';
      return new Invalid('must be tls, starttls or none');
    },
  }),
  smtpUser: declare({ env: 'CCP_SMTP_USER', key: 'mail.smtp.user', description: 'the SMTP login', parse: text }),
  smtpPassword: declare({ env: 'CCP_SMTP_PASSWORD', key: 'mail.smtp.password', description: 'the SMTP password', parse: text, secret: true }),
  from: declare({ env: 'CCP_MAIL_FROM', key: 'mail.from', description: 'the sender', default: 'ccp@localhost', parse: text }),
  cc: declare({
    env: 'CCP_MAIL_CC',
    key: 'mail.cc',
    description: 'addresses copied on every mail (comma-separated)',
    default: [] as string[],
    parse: list('must be a list of addresses, or a comma-separated string'),
  }),
  toDir: declare({
    env: 'CCP_MAIL_TO_DIR',
    key: 'mail.toDir',
    description: 'write mails as `.eml` files instead of SMTP (`ccp run --mail-to-dir`)',
    parse: text,
    embeddedOnly: 'writes mails as .eml files on the local disk, for the embedded default and tests',
  }),
  reportsBaseUrl: declare({
    env: 'CCP_REPORTS_BASE_URL',
    key: 'mail.reportsBaseUrl',
    description: 'a public URL in front of `reports/`',
    parse: httpUrl('must be an http(s) URL'),
  }),
  linkLifetimeSeconds: declare({
    env: 'CCP_REPORT_LINK_LIFETIME',
    key: 'mail.linkLifetimeSeconds',
    description: 'lifetime of presigned report links, seconds (default and most 7 days)',
    default: MAX_LINK_LIFETIME,
    parse: between(1, MAX_LINK_LIFETIME),
  }),
  vulnerabilitySeverity: declare({
    env: 'CCP_MAIL_VULNERABILITY_SEVERITY',
    key: 'mail.vulnerabilitySeverity',
    description:
      'the least CVSS band of an advisory a scan mail lists: `critical`, `high`, `medium` (default), `low` or `all` (advisories without a score too); the counts by severity always cover every advisory',
    default: 'medium' as SeverityThreshold,
    parse: oneOf(SEVERITY_THRESHOLDS, `must be one of ${SEVERITY_THRESHOLDS.join(', ')}`),
  }),
  noticeScanWaitSeconds: declare({
    env: 'CCP_NOTICE_SCAN_WAIT',
    key: 'mail.noticeScanWaitSeconds',
    description: "seconds a cascade's mail waits for the scans of its images (default 240, under the notify Service's 300 s timeout; 0: no wait; at most 3600)",
    default: 240,
    parse: between(0, 3600),
  }),
  policies: declare({
    key: 'mail.policies',
    description: 'quiet policies by `app-id/job-id:tag`, app-id or `*`: `{builds: all\\|failures-and-fixes, scans: changes\\|always}`',
    default: {} as Record<string, unknown>,
    parse: mapping('must be a mapping of project or app-id to {builds, scans}'),
  }),
};

export const MAIL_ROWS: Record<'smtp' | 'sender' | 'links', SettingGroup> = {
  smtp: {
    settings: [MAIL.smtpHost, MAIL.smtpPort, MAIL.smtpSecure, MAIL.smtpUser, MAIL.smtpPassword],
    variables: '`CCP_SMTP_HOST`, `CCP_SMTP_PORT`, `CCP_SMTP_SECURE` (`tls`/`starttls`/`none`), `CCP_SMTP_USER`, `CCP_SMTP_PASSWORD`',
    keys: '`mail.smtp.*`',
    description: 'the mail server of the notify function; unset: no mail is sent (logged only)',
  },
  sender: { settings: [MAIL.from, MAIL.cc], description: 'sender; addresses copied on every mail (comma-separated)' },
  links: {
    settings: [MAIL.reportsBaseUrl, MAIL.linkLifetimeSeconds],
    description: "mailed report links: a public URL in front of `reports/`; else presigned S3 URLs (lifetime, default 7 days); else the run's own `/reports/`",
  },
};
