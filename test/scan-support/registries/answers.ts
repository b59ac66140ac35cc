import * as rubySemver from '@renovatebot/ruby-semver';
import semver from 'semver';
import type { RegistryCatalog } from './catalog';

/** An HTTP answer: status and JSON body. */
export interface Answer {
  status: number;
  body: unknown;
}

const NOT_FOUND: Answer = { status: 404, body: { message: 'Not Found' } };

function normalizePythonName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * PyPI's JSON API: `GET /pypi/<name>/json` → `{info, releases, urls, last_serial}`, each
 * release a list of files with `yanked` and `yanked_reason`.
 * @see https://docs.pypi.org/api/json/
 */
export function pypiAnswer(catalog: RegistryCatalog, urlPath: string): Answer {
  const match = /^\/pypi\/([^/]+)\/json$/.exec(urlPath);
  if (!match) return NOT_FOUND;
  const wanted = normalizePythonName(decodeURIComponent(match[1]!));
  const entry = Object.entries(catalog.pypi ?? {}).find(([name]) => normalizePythonName(name) === wanted);
  if (!entry) return NOT_FOUND;
  const [name, project] = entry;
  const releases = Object.fromEntries(
    project.versions.map((version) => {
      const yanked = project.yanked?.includes(version) ?? false;
      const file = {
        filename: `${name.replace(/-/g, '_')}-${version}-py3-none-any.whl`,
        packagetype: 'bdist_wheel',
        python_version: 'py3',
        requires_python: '>=3.8',
        url: `http://127.0.0.1/packages/${name}-${version}-py3-none-any.whl`,
        digests: { sha256: '0'.repeat(64) },
        yanked,
        yanked_reason: yanked ? 'broken release' : null,
      };
      return [version, [file]];
    }),
  );
  const stable = project.versions.filter((version) => !/[a-z]/i.test(version) && !(project.yanked ?? []).includes(version));
  const latest = stable[stable.length - 1] ?? project.versions[project.versions.length - 1];
  return {
    status: 200,
    body: {
      info: { name, version: latest, summary: `${name} for tests`, yanked: false },
      last_serial: 1,
      releases,
      urls: releases[latest!] ?? [],
      vulnerabilities: [],
    },
  };
}

/**
 * The npm registry's packument: `GET /<name>` (scoped `/@scope%2Fname`) →
 * `{_id, name, dist-tags, versions, time}`.
 * @see https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md#getpackage
 */
export function npmAnswer(catalog: RegistryCatalog, urlPath: string): Answer {
  const name = decodeURIComponent(urlPath.slice(1));
  const entry = catalog.npm?.[name];
  if (!entry) return { status: 404, body: { error: 'Not found' } };
  const stable = entry.versions.filter((version) => semver.prerelease(version) === null).sort(semver.compare);
  const latest = entry.latest ?? stable[stable.length - 1] ?? entry.versions[entry.versions.length - 1];
  const versions = Object.fromEntries(
    entry.versions.map((version) => [
      version,
      {
        name,
        version,
        dist: { tarball: `http://127.0.0.1/${name}/-/${name.replace(/^@[^/]+\//, '')}-${version}.tgz`, shasum: '0'.repeat(40) },
        ...(entry.deprecated?.includes(version) ? { deprecated: 'do not use this version' } : {}),
      },
    ]),
  );
  return {
    status: 200,
    body: {
      _id: name,
      name,
      'dist-tags': { latest },
      versions,
      time: Object.fromEntries(entry.versions.map((version) => [version, '2026-01-01T00:00:00.000Z'])),
    },
  };
}

/**
 * rubygems' version API: `GET /api/v1/versions/<name>/latest.json` → `{version}` (the string
 * `unknown` for a gem it does not know, with status 200, as rubygems.org answers) and
 * `GET /api/v1/versions/<name>.json` → `[{number, prerelease, platform, …}]`, newest first.
 * @see https://guides.rubygems.org/rubygems-org-api/#gem-version-methods
 */
export function rubygemsAnswer(catalog: RegistryCatalog, urlPath: string): Answer {
  const latest = /^\/api\/v1\/versions\/([^/]+)\/latest\.json$/.exec(urlPath);
  const all = /^\/api\/v1\/versions\/([^/]+)\.json$/.exec(urlPath);
  const name = decodeURIComponent((latest ?? all)?.[1] ?? '');
  const gem = catalog.rubygems?.[name];
  if (latest) {
    const stable = (gem?.versions ?? []).filter((version) => rubySemver.prerelease(version) === null);
    const newest = stable.reduce<string | null>((best, version) => (best === null || rubySemver.gt(version, best) ? version : best), null);
    return { status: 200, body: { version: newest ?? 'unknown' } };
  }
  if (all && gem) {
    const sorted = [...gem.versions].sort((a, b) => (rubySemver.gt(a, b) ? -1 : rubySemver.eq(a, b) ? 0 : 1));
    return {
      status: 200,
      body: sorted.map((number) => ({
        number,
        prerelease: rubySemver.prerelease(number) !== null,
        platform: gem.platform ?? 'ruby',
        created_at: '2026-01-01T00:00:00.000Z',
        summary: `${name} for tests`,
        licenses: ['MIT'],
        sha: '0'.repeat(64),
      })),
    };
  }
  return { status: 404, body: 'This rubygem could not be found.' };
}
