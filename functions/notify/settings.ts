import type { CloudEvent } from 'cloudevents';
import type { Config } from '../../shared/config/config';
import type { FunctionContext, ServiceContext } from '../../shared/function/types';
import { loadMailSettings, type MailSettings } from '../../shared/config/mail-settings';
import { configuredSecrets } from '../../shared/redact/secrets';

/** What the notify function keeps for the life of its process. */
export interface NotifyServices {
  /** The mail settings, worked out once: see {@link mailSettings}. */
  mail: MailSettings;
}

/** The notify function's handler context. */
export type NotifyContext = ServiceContext<NotifyServices>;

/**
 * The notify function's services, made once per process when its context is built.
 * @see ../../shared/function/types.ts
 */
export function notifyServices(base: FunctionContext): NotifyServices {
  return { mail: mailSettings(base.config) };
}

/**
 * The mail settings of the configuration (the defaults, no transport, for a config made without
 * them) with every secret the service holds as the list mails are scrubbed of.
 * @see ../../shared/redact/readme.md
 */
export function mailSettings(config: Config): MailSettings {
  return { ...(config.mail ?? loadMailSettings({}, {}, {}, [])), secrets: configuredSecrets(config) };
}

/** An event's identity in CloudEvents: `source` and `id` together. */
export function eventKey(event: CloudEvent<unknown>): string {
  return `${event.source} ${event.id}`;
}
