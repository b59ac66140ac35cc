import type { CloudEvent } from 'cloudevents';
import type { Config } from '../../shared/config/config';
import { loadMailSettings, type MailSettings } from './mail';
import { configuredSecrets } from '../../shared/redact';

const DEFAULTS = new WeakMap<Config, MailSettings>();

/**
 * The mail settings of the configuration (the defaults, no transport, for a config made without
 * them) with every secret the service holds as the list mails are scrubbed of.
 * @see ../../shared/redact/readme.md
 */
export function mailSettings(config: Config): MailSettings {
  return { ...baseSettings(config), secrets: configuredSecrets(config) };
}

function baseSettings(config: Config): MailSettings {
  if (config.mail) return config.mail;
  let settings = DEFAULTS.get(config);
  if (!settings) {
    settings = loadMailSettings({}, {}, {}, []);
    DEFAULTS.set(config, settings);
  }
  return settings;
}

/** An event's identity in CloudEvents: `source` and `id` together. */
export function eventKey(event: CloudEvent<unknown>): string {
  return `${event.source} ${event.id}`;
}
