import type { Setting, SettingGroup } from './api';
import { ATTESTATION } from './attestation';
import { BUILD, BUILD_ROWS } from './build';
import { CORE } from './core';
import { MAIL, MAIL_ROWS } from './mail';
import { PIPELINE, TEST_HOOKS } from './pipeline';
import { REGISTRY, REGISTRY_ROWS, SENDER_AUTH, SENDER_AUTH_ROWS } from './registry';
import { SCAN, SCAN_ROWS } from './scan';
import { INDEX_LIMITS, STORE, STORE_ROWS } from './store';
import { SIGNING, SIGNING_ROWS } from './signing';

export { ATTESTATION, BUILD, CORE, INDEX_LIMITS, MAIL, PIPELINE, REGISTRY, SCAN, SENDER_AUTH, SIGNING, STORE, TEST_HOOKS };
export { declare, fileValue, Invalid, rawValue, read, readEnv, type Defaulted, type Parser, type Setting, type SettingGroup, type SettingSource } from './api';

/** Every declaration, test hooks included. */
export const ALL_SETTINGS: readonly Setting[] = [
  CORE,
  STORE,
  INDEX_LIMITS,
  REGISTRY,
  SENDER_AUTH,
  MAIL,
  SCAN,
  BUILD,
  SIGNING,
  ATTESTATION,
  PIPELINE,
  TEST_HOOKS,
].flatMap((area) => Object.values(area) as Setting[]);

/** A row of the README table: one setting with its own description, or a group. */
export type ConfigRow = Setting | SettingGroup;

/** The README "## Configuration" table, in its order: related settings next to each other. */
export const CONFIG_TABLE: readonly ConfigRow[] = [
  CORE.dataDir,
  CORE.config,
  CORE.workDir,
  CORE.registry,
  REGISTRY_ROWS.login,
  REGISTRY.tlsVerify,
  REGISTRY.notifyToken,
  REGISTRY.ingressToken,
  REGISTRY.sinkTokenFile,
  STORE.kind,
  STORE_ROWS.s3,
  STORE_ROWS.index,
  STORE_ROWS.indexLimits,
  CORE.failureThreshold,
  CORE.shellcheck,
  CORE.buildConcurrency,
  PIPELINE.retryInterrupted,
  PIPELINE.chaos,
  SCAN_ROWS.registries,
  SCAN.urlRewrites,
  SCAN_ROWS.limits,
  SCAN.maxFiles,
  SCAN.allowedRegistries,
  SCAN_ROWS.osv,
  SCAN.failOn,
  CORE.logLevel,
  MAIL_ROWS.smtp,
  MAIL_ROWS.sender,
  MAIL.toDir,
  MAIL_ROWS.links,
  MAIL.noticeScanWaitSeconds,
  MAIL.vulnerabilitySeverity,
  MAIL.policies,
  PIPELINE.webhookSecret,
  PIPELINE.webhookSecrets,
  PIPELINE.webhookBodyLimit,
  PIPELINE.webhookTimestampTolerance,
  CORE.dashboardAdminToken,
  SENDER_AUTH_ROWS.senderAuth,
  PIPELINE.coalesceMs,
  PIPELINE.maxInFlight,
  CORE.drainGraceSeconds,
  CORE.weeklyScanRate,
  BUILD.builder,
  BUILD_ROWS.buildah,
  BUILD_ROWS.prebuild,
  BUILD_ROWS.prebuildLimits,
  BUILD_ROWS.kubernetes,
  ATTESTATION.keyFile,
  ATTESTATION.builderId,
  SIGNING_ROWS.signing,
  SIGNING_ROWS.parents,
];

/** The settings a row stands for. */
export function rowSettings(row: ConfigRow): readonly Setting[] {
  return 'settings' in row ? row.settings : [row];
}

/**
 * The README table's markdown: `variable | config file key | meaning`, a row per line, an empty
 * cell for a setting without a variable or a file key.
 * @see ../../../README.md#configuration
 */
export function renderConfigTable(rows: readonly ConfigRow[] = CONFIG_TABLE): string {
  const code = (names: (string | undefined)[]): string =>
    names
      .filter((name): name is string => Boolean(name))
      .map((name) => `\`${name}\``)
      .join(', ');
  const lines = rows.map((row) => {
    const settings = rowSettings(row);
    const group = 'settings' in row ? row : undefined;
    const cells = [
      group?.variables ?? code(settings.map((setting) => setting.env)),
      group?.keys ?? code(settings.map((setting) => setting.key)),
      row.description,
    ];
    return `|${cells.map((cell) => (cell ? ` ${cell} ` : ' ')).join('|')}|`;
  });
  return ['| variable | config file key | meaning |', '|---|---|---|', ...lines].join('\n');
}
