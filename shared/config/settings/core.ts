import { declare, Invalid } from './api';
import { lenientBoolean, oneOf, positiveNumber, text, wholeNumber } from './parsers';

/** Lint severity threshold, as hadolint's `failure-threshold`. */
export const THRESHOLDS = ['error', 'warning', 'info', 'style', 'ignore', 'none'] as const;

/** Where ccp keeps its state and reads its configuration, and what every function shares. */
export const CORE = {
  config: declare({
    env: 'CCP_CONFIG',
    description: "the YAML configuration file (`--config`), whose keys are this table's second column",
    parse: text,
    embeddedOnly: 'a configuration file; the cluster sets variables instead',
  }),
  dataDir: declare({
    env: 'CCP_DATA_DIR',
    key: 'dataDir',
    description: 'state of the embedded default: `store/`, `work/` (git cache), `logs/ccp.log`',
    default: '.ccp',
    parse: text,
  }),
  workDir: declare({
    key: 'workDir',
    description: 'directory for git checkouts and other scratch work (default `<data-dir>/work`)',
    parse: text,
  }),
  registry: declare({
    env: 'CCP_REGISTRY',
    key: 'registry',
    description: 'image registry `host:port`',
    default: '',
    parse: text,
  }),
  logLevel: declare<'debug' | 'info' | 'warn' | 'error'>({
    env: 'CCP_LOG_LEVEL',
    description: '`debug`, `info` (default), `warn`, `error`',
    default: 'info',
    parse: oneOf(['debug', 'info', 'warn', 'error'] as const, 'must be debug, info, warn or error'),
  }),
  failureThreshold: declare<(typeof THRESHOLDS)[number]>({
    env: 'CCP_LINT_FAILURE_THRESHOLD',
    key: 'lint.failureThreshold',
    description: "default `error`; a project's `.hadolint.yaml` `failure-threshold` wins",
    default: 'error',
    parse: oneOf(THRESHOLDS, `must be one of ${THRESHOLDS.join(', ')}`),
  }),
  shellcheck: declare({
    env: 'CCP_LINT_SHELLCHECK',
    key: 'lint.shellcheck',
    description: 'run ShellCheck over `RUN` lines (default true)',
    default: true,
    parse: lenientBoolean,
  }),
  buildConcurrency: declare({
    env: 'CCP_BUILD_CONCURRENCY',
    key: 'build.concurrency',
    description: 'builds of different images at once in one build function (default 2; one image never builds twice at once)',
    default: 2,
    parse: wholeNumber(1, (_raw, setting) => `must be a whole number, 1 or more (${setting.env})`),
  }),
  weeklyScanRate: declare({
    env: 'CCP_WEEKLY_SCAN_RATE',
    key: 'weekly.scanRate',
    description: 'images whose weekly rescan starts per minute (default 60)',
    default: 60,
    parse: positiveNumber((_raw, setting) => `must be a number of images per minute above 0 (${setting.env})`),
  }),
  dashboardAdminToken: declare({
    env: 'CCP_DASHBOARD_ADMIN_TOKEN',
    key: 'dashboard.adminToken',
    description:
      "turns on the dashboard's one write: the admin view's \"send again\" of a dead letter (`POST /admin/dead-letters/resend`), which needs this token as `Authorization: Bearer` or the form's token field (16 or more printable characters, no spaces; compared in constant time). Unset: the admin view only shows, and its actions answer 404. A secret (ccp-secrets, dashboard only), redacted from logs and mails",
    // A token typed into a form is one word; a short one is guessed by anything that can reach the page.
    parse: (raw, setting) =>
      /^[\x21-\x7e]{16,}$/.test(String(raw)) ? String(raw) : new Invalid(`must be 16 or more printable characters without spaces (${setting.env})`),
    secret: true,
  }),
  drainGraceSeconds: declare({
    env: 'CCP_DRAIN_GRACE_SECONDS',
    description:
      "on SIGTERM (Knative scaling a Service down) a function answers 503 to new events and to readiness, lets the deliveries in flight finish for this long (default 30, Knative's grace period), then exits (0, or 1 when it had to give some up; the broker redelivers them)",
    // Knative's default `terminationGracePeriodSeconds` for a revision's pods.
    default: 30,
    parse: positiveNumber((raw) => `"${String(raw)}" is not a number of seconds, 0 or more`, true),
  }),
};
