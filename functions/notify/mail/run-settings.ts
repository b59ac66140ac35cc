import path from 'node:path';
import type { MailSettings } from '../../../shared/config/mail-settings';

/**
 * The mail settings of `ccp run`: `--mail-to-dir` (over `CCP_MAIL_TO_DIR`) writes `.eml` files,
 * and while the run keeps serving on a known port, links point at its own `/reports/` routes
 * unless a public base URL is configured.
 * @see ../../../cli/commands/run.ts
 */
export function runMailSettings(
  settings: MailSettings | undefined,
  options: { mailToDir?: string; cwd: string; servePort: number | null },
): MailSettings | undefined {
  if (!settings) return settings;
  const toDir = options.mailToDir ? path.resolve(options.cwd, options.mailToDir) : settings.toDir;
  const reportsBaseUrl = settings.reportsBaseUrl ?? (options.servePort ? `http://127.0.0.1:${options.servePort}` : undefined);
  return { ...settings, ...(toDir ? { toDir } : {}), ...(reportsBaseUrl ? { reportsBaseUrl } : {}) };
}
