import path from 'node:path';
import type { Config } from '../../shared/config/config';
import { rewriteUrl, type ScanSettings } from '../../shared/config/scan-settings';
import type { Logger } from '../../shared/log/logger';
import { osvAdvisorySource } from '../../shared/osv/source';
import type { ScanEnvironment } from '../../shared/reports/scanner-types';
import type { ObjectStore } from '../../shared/store/types';

/** The scan settings of a configuration (its defaults resolved by `loadConfig`). */
export function scanSettings(config: Config): ScanSettings {
  return config.scan;
}

/**
 * What the scanners get from the configuration: registry URLs, the URL rewrite rules, the
 * per-request time limit, a cache folder under the work folder and, with a `store` and OSV
 * mirrors configured, the advisory database (kept in the store).
 */
export function scanEnvironment(config: Config, log: Logger, store?: ObjectStore): ScanEnvironment {
  const settings = scanSettings(config);
  const rewrite = (url: string): string => rewriteUrl(settings.urlRewrites, url);
  return {
    log,
    cacheDir: path.join(config.workDir, 'scan-cache'),
    rewriteUrl: rewrite,
    registries: settings.registries,
    timeoutMs: settings.requestTimeoutMs,
    ...(store && settings.osv.urls.length > 0
      ? {
          advisories: osvAdvisorySource(store, {
            urls: settings.osv.urls,
            ecosystems: settings.osv.ecosystems,
            timeoutMs: settings.scannerTimeoutMs,
            rewriteUrl: rewrite,
          }),
        }
      : {}),
  };
}
