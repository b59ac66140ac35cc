import path from 'node:path';
import { expandVars, listRootDir, readRootFile } from './repo-vars';

/** One repository section of a `.repo` file, variables expanded. */
export interface RepoDefinition {
  id: string;
  name: string;
  /** Root-relative file that defines it, e.g. `/etc/yum.repos.d/centos.repo`. */
  file: string;
  baseurls: string[];
  mirrorlist?: string;
  metalink?: string;
  enabled: boolean;
}

const FALSE = new Set(['0', 'no', 'false', 'off']);

/**
 * Parses the INI text of a `.repo` file: `[id]` sections, `key=value` lines, continuation lines
 * (indented) appended to the previous value, `#`/`;` comments. Values keep their raw text.
 * @see https://dnf.readthedocs.io/en/latest/conf_ref.html#repo-options
 */
export function parseRepoIni(text: string): { id: string; options: Record<string, string> }[] {
  const sections: { id: string; options: Record<string, string> }[] = [];
  let current: { id: string; options: Record<string, string> } | null = null;
  let lastKey: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      current = { id: header[1].trim(), options: {} };
      sections.push(current);
      lastKey = null;
      continue;
    }
    if (!current) continue;
    if (/^\s/.test(raw) && lastKey) {
      current.options[lastKey] += `\n${trimmed}`;
      continue;
    }
    const eq = trimmed.search(/[=:]/);
    if (eq <= 0) continue;
    lastKey = trimmed.slice(0, eq).trim().toLowerCase();
    current.options[lastKey] = trimmed.slice(eq + 1).trim();
  }
  return sections;
}

/**
 * Every repository the image configures in `/etc/yum.repos.d/*.repo` (disabled ones included, with
 * `enabled: false`), `baseurl` split on whitespace and commas, variables expanded with `vars`.
 * @see https://dnf.readthedocs.io/en/latest/conf_ref.html#repo-options
 */
export function readRepoFiles(rootfs: string, vars: Record<string, string>): RepoDefinition[] {
  const repos: RepoDefinition[] = [];
  for (const name of listRootDir(rootfs, 'etc/yum.repos.d')) {
    if (!name.endsWith('.repo')) continue;
    const file = path.posix.join('/etc/yum.repos.d', name);
    const text = readRootFile(rootfs, file);
    if (text === null) continue;
    for (const section of parseRepoIni(text)) {
      const option = (key: string): string | undefined => {
        const value = section.options[key];
        return value === undefined || value.trim() === '' ? undefined : expandVars(value.trim(), vars);
      };
      const baseurls = (option('baseurl') ?? '').split(/[\s,]+/).filter(Boolean);
      const mirrorlist = option('mirrorlist');
      const metalink = option('metalink');
      repos.push({
        id: section.id,
        name: option('name') ?? section.id,
        file,
        baseurls,
        ...(mirrorlist ? { mirrorlist } : {}),
        ...(metalink ? { metalink } : {}),
        enabled: !FALSE.has((section.options.enabled ?? '1').trim().toLowerCase()),
      });
    }
  }
  return repos;
}
