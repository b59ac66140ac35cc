import type { Issue } from '../../errors/validation-error';

/** A value a parser refused, with the message(s) the configuration error shows for its field. */
export class Invalid {
  readonly messages: string[];
  constructor(...messages: string[]) {
    this.messages = messages;
  }
}

/**
 * Turns what a variable (a string) or the config file (YAML: a string, number, boolean, list or
 * mapping) gives into the setting's value, or an {@link Invalid} naming what is wrong.
 */
export type Parser<T> = (raw: unknown, setting: SettingName) => T | Invalid;

/** What a parser's message may name of its setting. */
export interface SettingName {
  env?: string;
  key?: string;
}

/**
 * One setting of ccp, declared once: where it is read from, how it is parsed, its default and
 * the words the README table and the ConfigMap show for it.
 */
export interface Setting<T = unknown> extends SettingName {
  /** The `CCP_*` environment variable; absent for a setting only the config file can give. */
  env?: string;
  /** The config file key (dotted path); absent for a variable-only setting. */
  key?: string;
  /** What it does, for people (the README row of a setting of its own, the spec requires one). */
  description: string;
  /** The value when nothing sets it; absent: the setting is optional, or its default is derived in the loader. */
  default?: T;
  parse: Parser<T>;
  /** Comes from the Secret ccp-secrets, never the ConfigMap (what is redacted from mails is the loaders' choice: not the S3 access key id presigned links carry). */
  secret?: true;
  /** Why the cluster does not set it (an embedded-runtime or local-only setting): not in deploy/base/config.yaml. */
  embeddedOnly?: string;
  /** Why a test hook is read at all: not a setting of a deployment, not in the README or the ConfigMap. */
  testHook?: string;
}

/**
 * A README row of several settings read together (`CCP_S3_*`, `CCP_SMTP_*`); the columns are
 * written from the members unless `variables` or `keys` give the row's own words.
 */
export interface SettingGroup {
  settings: readonly Setting[];
  description: string;
  variables?: string;
  keys?: string;
}

/** A setting with a default: reading it never gives `undefined`. */
export type Defaulted<T> = Setting<T> & { default: T };

/** A declaration, typed by its parser and default; the identity, so that `T` is inferred once. */
export function declare<T>(setting: Defaulted<T>): Defaulted<T>;
export function declare<T>(setting: Setting<T>): Setting<T>;
export function declare<T>(setting: Setting<T>): Setting<T> {
  return setting;
}

/** Where the loaders read values from: the variables, the parsed config file, and where issues go. */
export interface SettingSource {
  env: NodeJS.ProcessEnv;
  file: unknown;
  where: { file?: string };
  issues: Issue[];
}

/**
 * {@link read} of a setting the process reads from its environment alone (the function host's,
 * before any config file): a bad value goes to `issues` when given, else the default stands.
 */
export function readEnv<T>(setting: Defaulted<T>, env: NodeJS.ProcessEnv, issues?: Issue[]): T;
export function readEnv<T>(setting: Setting<T>, env: NodeJS.ProcessEnv, issues?: Issue[]): T | undefined;
export function readEnv<T>(setting: Setting<T>, env: NodeJS.ProcessEnv, issues: Issue[] = []): T | undefined {
  return read(setting, { env, file: undefined, where: {}, issues });
}

/** The config file's value at a dotted key, `undefined` where any step is missing. */
export function fileValue(file: unknown, key: string | undefined): unknown {
  if (key === undefined) return undefined;
  let value = file;
  for (const part of key.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * What the variable or else the file gives for `setting`, unparsed; an empty variable or file
 * value counts as unset (func.yaml and empty Secret keys give those).
 */
export function rawValue(setting: SettingName, source: Pick<SettingSource, 'env' | 'file'>): unknown {
  const fromEnv = setting.env === undefined ? undefined : source.env[setting.env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const fromFile = fileValue(source.file, setting.key);
  return fromFile === '' || fromFile === null ? undefined : fromFile;
}

/**
 * The value of `setting`: the variable beats the file, the file beats the default. A value its
 * parser refuses adds an issue on the setting's key (else its variable) and yields the default.
 * @see ../../../README.md#configuration
 */
export function read<T>(setting: Defaulted<T>, source: SettingSource): T;
export function read<T>(setting: Setting<T>, source: SettingSource): T | undefined;
export function read<T>(setting: Setting<T>, source: SettingSource): T | undefined {
  const raw = rawValue(setting, source);
  if (raw === undefined) return setting.default;
  const parsed = setting.parse(raw, setting);
  if (!(parsed instanceof Invalid)) return parsed;
  const field = setting.key ?? setting.env ?? '';
  source.issues.push(...parsed.messages.map((message) => ({ ...source.where, field, message })));
  return setting.default;
}
