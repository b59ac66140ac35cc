import path from 'node:path';
import type { Config } from '../../shared/config/config';
import { rewriteUrl, type ScanSettings } from '../../shared/config/scan-settings';
import type { Logger } from '../../shared/log/logger';
import type { ScanEnvironment } from '../../shared/reports/scanner-types';

/** The scan settings of a configuration (its defaults resolved by `loadConfig`). */
export function scanSettings(config: Config): ScanSettings {
  return config.scan;
}

/**
 * What the scanners get from the configuration: registry URLs, the URL rewrite rules, the
 * per-request time limit and a cache folder under the work folder.
 */
export function scanEnvironment(config: Config, log: Logger): ScanEnvironment {
  const settings = scanSettings(config);
  return {
    log,
    cacheDir: path.join(config.workDir, 'scan-cache'),
    rewriteUrl: (url) => rewriteUrl(settings.urlRewrites, url),
    registries: settings.registries,
    timeoutMs: settings.requestTimeoutMs,
  };
}
