import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ImageSource } from '../../functions/scan/image-source';
import { registryImageSource } from '../../functions/scan/registry-source';
import { scanEnvironment, scanSettings } from '../../functions/scan/scan-environment';
import { FETCH_FAILED, scanImage, type ScanOutcome } from '../../functions/scan/scan-image';
import { loadConfig, type Config } from '../../shared/config/config';
import { withRunningLocalRegistry } from '../../shared/registry/local-registry';
import { registryClientFor } from '../../shared/registry/pipeline-registry';
import { ValidationError } from '../../shared/errors/validation-error';
import { newBuildId } from '../../shared/events/build-id';
import { createLogger } from '../../shared/log/logger';
import { createStore } from '../../shared/store/create-store';
import { renderScanHtml } from '../../functions/scan/reports/scan-html';
import { SEVERITIES } from '../../shared/reports/scan-report';
import { type ScanReport } from '../../shared/reports/types';
import { meetsThreshold, SEVERITY_THRESHOLDS, VULNERABILITIES_SCANNER, vulnerabilitiesOf, type SeverityThreshold } from '../../shared/reports/vulnerabilities';
import { SCANNERS } from '../../functions/scan/scanners/api';
import type { Scanner } from '../../shared/reports/scanner-types';
import type { Command } from '../types';

const USAGE = `Usage: ccp scan <image-ref> [--json] [--html FILE] [--fail-on SEVERITY]

Scans an image in a registry without running it: RPM updates and integrity, pip, npm and gem
packages with newer releases, and the privileges its RUN label asks for.
  <image-ref>   host:port/name:tag, host:port/name@sha256:…; without a host, the registry
                of --registry (CCP_REGISTRY) is used, else the one a running ccp serve
                or run started on the data dir (with its login)
  --json        print scan.json instead of the summary
  --html FILE   also write the HTML report to FILE
  --fail-on SEVERITY
                exit 1 for advisories of this CVSS band or above: critical, high, medium,
                low or all (CCP_SCAN_FAIL_ON); unset: for any high finding
Package registries, URL rewrites, the size bound and time limits come from the configuration
(CCP_PYPI_URL, CCP_NPM_REGISTRY_URL, CCP_RUBYGEMS_URL, CCP_SCAN_URL_REWRITES, CCP_SCAN_*;
CCP_OSV_URLS and CCP_OSV_ECOSYSTEMS for the vulnerabilities scanner, its database kept in the store).
Images are read from the registry of --registry and CCP_SCAN_ALLOWED_REGISTRIES only.
Exit status: 0 when scanned without high findings, 1 with high findings or a failed scanner
(with --fail-on: advisories at or above it, high findings of other scanners, a failed scanner),
2 for a usage error or an image that could not be scanned (absent, too large, too many files
(CCP_SCAN_MAX_FILES), a layer past the request time limit, a missing blob, a registry not
allowed, unreadable), said in one line "scan of IMAGE failed: why" on stderr.`;

/** An image source made from the command's configuration (the pipeline registry's login). */
export interface ImageSourceFor {
  forConfig(config: Config): ImageSource;
}

/**
 * `ccp scan` over the given image source and scanners (the registry's image fetcher with the
 * configured registry's login and every registered scanner in the real command; tests pass
 * their own).
 * @see ../../shared/reports/readme.md
 */
export function createScanCommand(imageSource: ImageSource | ImageSourceFor, scanners: readonly Scanner[] = SCANNERS): Command {
  return {
    name: ['scan'],
    summary: 'scan an image in a registry (updates, integrity, RUN label privileges) and print a summary or scan.json',
    usage: USAGE,
    async run(argv, globals, io) {
      let args: { ref: string; json: boolean; html?: string; failOn?: SeverityThreshold };
      let config: Config;
      try {
        const { values, positionals } = parseArgs({
          args: argv,
          options: { json: { type: 'boolean', default: false }, html: { type: 'string' }, 'fail-on': { type: 'string' } },
          allowPositionals: true,
          strict: true,
        });
        const flag = values['fail-on'];
        if (flag !== undefined && !SEVERITY_THRESHOLDS.includes(flag as SeverityThreshold))
          throw new Error(`--fail-on must be one of ${SEVERITY_THRESHOLDS.join(', ')}, not "${flag}"`);
        if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'missing <image-ref>' : `one image expected, got ${positionals.length}`);
        // Next to a running `ccp serve`, its registry (and login) unless another is configured.
        config = await withRunningLocalRegistry(loadConfig(globals, io.env));
        args = {
          ref: qualify(positionals[0]!, config.registry),
          json: values.json ?? false,
          ...(values.html ? { html: path.resolve(io.cwd, values.html) } : {}),
          ...((flag ?? config.scan.failOn) ? { failOn: (flag as SeverityThreshold | undefined) ?? config.scan.failOn } : {}),
        };
      } catch (error) {
        const message = error instanceof ValidationError ? error.message : (error as Error).message;
        io.stderr(`ccp scan: ${message}\n\n${USAGE}\n`);
        return 2;
      }
      const source = typeof imageSource === 'function' ? imageSource : imageSource.forConfig(config);
      const settings = scanSettings(config);
      // Errors only: an image that cannot be scanned is said in one line below, scanner failures
      // are in the summary, and a warning line more would bury that one line.
      const log = createLogger({ write: (line) => io.stderr(`${line}\n`), level: 'error', fields: { fn: 'ccp-scan' } });
      const scanId = `scan-${newBuildId()}`;
      const [ref, digest] = args.ref.split('@');
      let outcome: ScanOutcome;
      try {
        outcome = await scanImage({
          scanId,
          image: { ref: ref!, ...(digest ? { digest } : {}) },
          scanners,
          source,
          // The OSV database lives in the configured store, as the scan function keeps it.
          env: scanEnvironment(config, log, settings.osv.urls.length > 0 ? await createStore(config) : undefined),
          workDir: path.join(config.workDir, 'scan', scanId),
          maxBytes: settings.maxBytes,
          maxFiles: settings.maxFiles,
          scannerTimeoutMs: settings.scannerTimeoutMs,
          log,
        });
      } catch (error) {
        // A registry that does not answer (the function retries it; a command says so and stops).
        io.stderr(`ccp scan: scan of ${args.ref} failed: ${oneLine((error as Error).message)}\n`);
        return 2;
      }
      if (args.html) await writeFile(args.html, renderScanHtml(outcome.report, {}));
      io.stdout(args.json ? `${JSON.stringify(outcome.report, null, 2)}\n` : renderSummary(outcome.report, outcome.packages.length));
      if (outcome.report.verdict === 'skipped') {
        const reason = outcome.report.reason ?? 'not scanned';
        io.stderr(`ccp scan: scan of ${args.ref} failed: ${reason.startsWith(FETCH_FAILED) ? reason.slice(FETCH_FAILED.length) : reason}\n`);
        return 2;
      }
      return scanExitStatus(outcome.report, args.failOn);
    },
  };
}

/**
 * `ccp scan`'s status for a scanned image: 1 when a scanner failed; without a threshold, 1 for
 * any high finding (the verdict `high`: a critical or high advisory is one); with one, 1 for
 * an advisory whose CVSS band meets it or a high finding of another scanner; else 0.
 * @see ../../shared/reports/vulnerabilities.ts
 */
export function scanExitStatus(report: ScanReport, failOn?: SeverityThreshold): 0 | 1 {
  if (Object.values(report.scanners).some((scanner) => scanner.status === 'failed')) return 1;
  if (failOn === undefined) return report.verdict === 'high' ? 1 : 0;
  const highElsewhere = Object.values(report.scanners).some(
    (scanner) => scanner.id !== VULNERABILITIES_SCANNER && scanner.findings.some((finding) => finding.severity === 'high'),
  );
  return highElsewhere || vulnerabilitiesOf(report).some((item) => meetsThreshold(item.band, failOn)) ? 1 : 0;
}

function oneLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** `name:tag` → `<registry>/name:tag` when the reference names no registry host. */
function qualify(ref: string, registry: string): string {
  const first = ref.split('/')[0]!;
  const hasHost = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasHost) return ref;
  if (!registry) throw new Error(`"${ref}" names no registry; give host:port/name:tag or --registry`);
  return `${registry}/${ref}`;
}

/** The summary for people: the verdict and counts, then one line per scanner and its findings. */
export function renderSummary(report: ScanReport, packages: number): string {
  const counts = SEVERITIES.map((severity) => `${report.counts[severity]} ${severity}`).join(', ');
  const lines = [`${report.image.ref}${report.image.digest ? `@${report.image.digest}` : ''}: ${report.verdict} (${counts}; ${packages} packages)`];
  const width = Math.max(...Object.keys(report.scanners).map((id) => id.length), 8);
  for (const scanner of Object.values(report.scanners)) {
    const what = scanner.reason ?? `${scanner.findings.length} finding${scanner.findings.length === 1 ? '' : 's'}`;
    lines.push(`  ${scanner.id.padEnd(width)}  ${scanner.status.padEnd(7)}  ${what}`);
    for (const finding of scanner.findings) lines.push(`    ${finding.severity.padEnd(6)}  ${finding.title}`);
    for (const note of scanner.notes) lines.push(`    note    ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `ccp scan <image-ref> [--json] [--html FILE]`: images from the configured registry (with its
 * `CCP_REGISTRY_*` login and TLS mode) or an allowed one (`CCP_SCAN_ALLOWED_REGISTRIES`,
 * anonymously), every registered scanner.
 */
export const scanCommand: Command = createScanCommand({ forConfig: (config) => registryImageSource({ client: registryClientFor(config) }) });
