import { RpmdbError, locateRpmdb, rpmEnv, rpmRootArgs } from '../../../../shared/rpm/rpmdb';
import { runCommand } from '../../../../shared/process/run-process';
import type { ScanFinding, Scanner, ScannerResult } from '../../../../shared/reports/scanner-types';
import { NOISE_RULES, noiseRuleFor } from './noise-rules';
import { parseVerifyOutput, type VerifyLine } from './parse-verify';
import { verifySeverity } from './severity';

/**
 * The owning packages (`name-version-release.arch`) of `paths`, from one `rpm -qa` that lists
 * every package's files: one process however many paths, and no ambiguity when a file has
 * several owners (all are kept).
 * @see https://rpm-software-management.github.io/rpm/manual/queryformat.html
 */
export async function fileOwners(rootArgs: string[], paths: string[], signal?: AbortSignal): Promise<Map<string, string[]>> {
  const wanted = new Set(paths);
  const owners = new Map<string, string[]>();
  if (wanted.size === 0) return owners;
  const result = await runCommand('rpm', [...rootArgs, '-qa', '--qf', '[%{FILENAMES}\\t%{=NAME}-%{=VERSION}-%{=RELEASE}.%{=ARCH}\\n]'], {
    env: rpmEnv(),
    ...(signal ? { signal } : {}),
  });
  if (result.code !== 0) throw new RpmdbError(`rpm -qa (file list) failed (exit ${result.code}): ${result.stderr.trim()}`);
  for (const line of result.stdout.split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab < 0) continue;
    const file = line.slice(0, tab);
    if (!wanted.has(file)) continue;
    owners.set(file, [...(owners.get(file) ?? []), line.slice(tab + 1)]);
  }
  return owners;
}

function describeChange(line: VerifyLine): string {
  if (line.missing) return 'missing';
  const parts = [...line.changed, ...line.unknown.map((test) => `${test}?`)];
  return `changed (${parts.join(', ')})`;
}

/**
 * rpm-verify: rpm's own verdict on the installed files (`rpm -Va`: size, mode, digest, device,
 * link, owner, group, mtime, capabilities; missing files), run on the unpacked root with
 * `--noscripts --nodeps` so nothing of the image runs. Each finding names its owning package;
 * config files are info; volatile paths and regenerated caches are filtered by the rules the
 * notes state.
 * @see https://rpm-software-management.github.io/rpm/man/rpm.8#VERIFY_OPTIONS
 */
export const rpmVerifyScanner: Scanner = {
  id: 'rpm-verify',
  version: '1.0.0',
  description: 'Installed RPM files that differ from what their package installed (rpm -Va), config files and volatile paths told apart.',
  async scan(target, env): Promise<ScannerResult> {
    const location = locateRpmdb(target.rootfs);
    if (!location) return { status: 'skipped', reason: 'no rpmdb', findings: [], packages: [] };
    if (location.backend === 'ndb') throw new RpmdbError(`the rpmdb in ${location.dbpath} is in the ndb format, which this host's rpm cannot read`);
    const rootArgs = rpmRootArgs(target.rootfs, location);
    const result = await runCommand('rpm', [...rootArgs, '-Va', '--nodeps', '--noscripts'], { env: rpmEnv(), ...(env.signal ? { signal: env.signal } : {}) });
    // rpm -V exits with the number of failed packages' worth of "1": 0 clean, 1 when anything differs.
    if (result.code !== 0 && result.code !== 1) throw new RpmdbError(`rpm -Va failed (exit ${result.code}): ${result.stderr.trim()}`);
    const { lines, other } = parseVerifyOutput(result.stdout);

    const filtered = new Map<string, number>();
    const kept: VerifyLine[] = [];
    for (const line of lines) {
      const rule = noiseRuleFor(line.path);
      if (rule) filtered.set(rule.id, (filtered.get(rule.id) ?? 0) + 1);
      else kept.push(line);
    }
    const owners = await fileOwners(
      rootArgs,
      kept.map((line) => line.path),
      env.signal,
    );
    kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const findings: ScanFinding[] = kept.map((line) => {
      const packages = owners.get(line.path) ?? [];
      return {
        id: line.path,
        severity: verifySeverity(line),
        title: `${line.path} ${describeChange(line)}${line.attribute ? ` [${line.attribute}]` : ''}${packages.length > 0 ? ` (${packages.join(', ')})` : ''}`,
        details: {
          path: line.path,
          flags: line.flags,
          missing: line.missing,
          changed: line.changed,
          ...(line.unknown.length > 0 ? { unknown: line.unknown } : {}),
          ...(line.attribute ? { attribute: line.attribute } : {}),
          package: packages[0] ?? null,
          ...(packages.length > 1 ? { packages } : {}),
        },
      };
    });
    const notes = [
      'rpm -Va --nodeps --noscripts: the files are verified, package scripts and dependencies are not (the image is never run)',
      'severity: changed or missing programs and libraries high, other files medium, mtime-only changes and doc/licence files low, config files info',
      ...NOISE_RULES.map((rule) => `filtered (${rule.id}, ${filtered.get(rule.id) ?? 0} results): ${rule.description}`),
      ...other.filter((line) => !/use Alien instead|assuming you know what you are doing/.test(line)).map((line) => `rpm said: ${line}`),
    ];
    const stderr = result.stderr
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !/Alien|assuming you know/.test(line));
    notes.push(...stderr.map((line) => `rpm said: ${line}`));
    return {
      status: 'ok',
      findings,
      packages: [],
      extra: { checked: lines.length, filtered: Object.fromEntries(filtered), rpmdb: location },
      notes,
    };
  },
};
