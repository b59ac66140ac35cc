import { ValidationError } from '../../errors/validation-error';
import { parseChaos, type ChaosSettings } from '../../runtime/chaos';
import { declare, Invalid } from './api';
import { mapping, size, strictBoolean, text, wholeNumber } from './parsers';

/** The dispatcher's pacing, the embedded runtime, and the webhook gateway. */
export const PIPELINE = {
  coalesceMs: declare({
    env: 'CCP_DISPATCH_COALESCE_MS',
    key: 'dispatch.coalesceMs',
    description: 'quiet window of a burst of pushes to one branch: only its newest commit builds, once no push came for this long (default 2000)',
    default: 2000,
    parse: wholeNumber(0, (_raw, setting) => `must be a whole number, 0 or more (${setting.env})`),
  }),
  maxInFlight: declare({
    env: 'CCP_DISPATCH_MAX_BUILDS',
    key: 'dispatch.maxInFlight',
    description: 'builds of one cascade requested and not ended, at most; the rest wait in the cascade record and start as builds end (default 10)',
    default: 10,
    parse: wholeNumber(1, (_raw, setting) => `must be a whole number, 1 or more (${setting.env})`),
  }),
  retryInterrupted: declare({
    env: 'CCP_RETRY_INTERRUPTED',
    key: 'runtime.retryInterrupted',
    description:
      'embedded runtime: a build a killed `ccp run`/`serve` left unfinished is built again at the next start (same build id; default `true`); `false` ends it failed with reason `interrupted` (see shared/runtime/readme.md)',
    default: true,
    parse: strictBoolean((_raw, setting) => `must be true or false (${setting.env})`),
    embeddedOnly: 'recovery of builds a dead embedded process left running; in the cluster a Job outlives its pod',
  }),
  chaos: declare<ChaosSettings | null>({
    env: 'CCP_CHAOS',
    key: 'runtime.chaos',
    description:
      'test mode of the embedded broker, e.g. `redeliver:0.3,delay:0-200ms,reorder,parallel:4`: redelivers a share of events, delays and reorders them, runs several deliveries at once, as a Knative broker may; the pipeline and trigger end-to-end tests run under it',
    default: null,
    parse: (raw) => {
      try {
        return parseChaos(raw === null ? undefined : String(raw));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return new Invalid(...error.errors.map((issue) => issue.message));
      }
    },
    embeddedOnly: 'test mode of the embedded broker (redeliveries, delays, reordering); the cluster has the real Broker',
  }),
  webhookSecret: declare({
    env: 'CCP_WEBHOOK_SECRET',
    key: 'webhooks.secret',
    description: 'the webhook secret of every repository without its own; unset and no `webhooks.secrets` entry: every webhook is refused',
    parse: (raw) => (typeof raw === 'string' ? raw : new Invalid('must be a non-empty string')),
    secret: true,
  }),
  webhookSecrets: declare({
    key: 'webhooks.secrets',
    description: 'per-repository webhook secrets, keyed by any URL form of the repository or by `owner/repo`',
    default: {} as Record<string, unknown>,
    parse: mapping('must be a mapping of repository URL or owner/repo to secret'),
  }),
  webhookBodyLimit: declare({
    env: 'CCP_WEBHOOK_BODY_LIMIT',
    key: 'webhooks.bodyLimit',
    description: 'largest webhook body (bytes, or `512kb`, `2mb`); default 1 MiB, HTTP 413 beyond',
    // A GitHub push payload of 20 commits is a few tens of kilobytes.
    default: 1024 * 1024,
    parse: size((raw) => `"${String(raw)}" is not a size (bytes, or a number with kb or mb)`, ['b', 'kb', 'mb']),
  }),
  webhookTimestampTolerance: declare({
    env: 'CCP_WEBHOOK_TIMESTAMP_TOLERANCE',
    key: 'webhooks.timestampTolerance',
    description: "seconds a generic webhook's signed `X-Ccp-Timestamp` may be off the clock (default 300); older or later deliveries get 401",
    // Five minutes, as Stripe and Slack.
    default: 300,
    parse: wholeNumber(1, (raw) => `"${String(raw)}" is not a number of seconds above 0`),
  }),
};

/** Read by the code only for tests: declared, so that every `CCP_*` read is, but no setting of a deployment. */
export const TEST_HOOKS = {
  sigkillAt: declare({
    env: 'CCP_TEST_SIGKILL_AT',
    description: 'crash points of the fault-injection test: the embedded runtime kills itself there',
    parse: text,
    testHook: 'crash points of the fault-injection test, embedded runtime only',
  }),
  imageCache: declare({
    env: 'CCP_IMAGE_CACHE',
    description: 'cache of the images that the sample and the tests make from nothing (test/support/images)',
    parse: text,
    testHook: 'a cache of test images; no deployment reads it',
  }),
};
