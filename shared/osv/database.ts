import { osvExportKey } from '../store/keys';
import type { ObjectStore } from '../store/types';
import { AdvisoryIndex } from './advisory-index';
import { ecosystemSlug } from './ecosystems';
import { OsvRecordError } from './errors';
import { parseOsvRecord } from './parse-record';
import type { Advisory } from './types';
import { DEFAULT_ZIP_LIMITS, readZipJson, type ZipLimits } from './zip';

/** What a load read, for the scanner's notes and the bench. */
export interface LoadStats {
  /** Ecosystems whose export was in the store. */
  ecosystems: string[];
  /** Ecosystems asked for whose export is not (never fetched). */
  missing: string[];
  records: number;
  indexed: number;
  withdrawn: number;
  /** Records that broke the schema, skipped; the first few errors are kept. */
  invalid: number;
  errors: string[];
}

export interface LoadedDatabase {
  index: AdvisoryIndex;
  stats: LoadStats;
  /** The stored exports' ETags the index was built from: the same ETags, the same index. */
  version: string;
}

const KEPT_ERRORS = 5;

/**
 * The advisories of exports (zips of OSV JSON records), read one record at a time: a record that
 * is not JSON or breaks the schema is skipped and counted (one bad record in 50,000 must not hide
 * the others), withdrawn ones are counted and left out. A zip past `limits` throws an
 * `OsvArchiveError`. An id in two exports comes twice: the caller keeps the first.
 * @see https://ossf.github.io/osv-schema/
 */
export async function readAdvisories(
  exports: { ecosystem: string; zip: Buffer }[],
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<{ advisories: Advisory[]; stats: LoadStats }> {
  const advisories: Advisory[] = [];
  const stats: LoadStats = { ecosystems: exports.map((item) => item.ecosystem), missing: [], records: 0, indexed: 0, withdrawn: 0, invalid: 0, errors: [] };
  for (const { ecosystem, zip } of exports) {
    for await (const entry of readZipJson(zip, `OSV ${ecosystem} export`, limits)) {
      stats.records++;
      try {
        let record: unknown;
        try {
          record = JSON.parse(entry.body.toString('utf8'));
        } catch (error) {
          throw new OsvRecordError(entry.name, `not JSON: ${(error as Error).message}`);
        }
        const advisory = parseOsvRecord(entry.name, record);
        if (advisory) advisories.push(advisory);
        else stats.withdrawn++;
      } catch (error) {
        if (!(error instanceof OsvRecordError)) throw error;
        stats.invalid++;
        if (stats.errors.length < KEPT_ERRORS) stats.errors.push(`${ecosystem}: ${error.message}`);
      }
    }
  }
  return { advisories, stats };
}

/**
 * Builds an {@link AdvisoryIndex} from exports ({@link readAdvisories}).
 * @see https://ossf.github.io/osv-schema/
 */
export async function buildIndex(
  exports: { ecosystem: string; zip: Buffer }[],
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<{ index: AdvisoryIndex; stats: LoadStats }> {
  const { advisories, stats } = await readAdvisories(exports, limits);
  const index = new AdvisoryIndex();
  for (const advisory of advisories) if (index.add(advisory)) stats.indexed++;
  return { index, stats };
}

/** The exports of `ecosystems` kept in the store, and the ecosystems never fetched. */
export async function readStoredExports(
  store: ObjectStore,
  ecosystems: string[],
): Promise<{ exports: { ecosystem: string; zip: Buffer }[]; missing: string[] }> {
  const exports: { ecosystem: string; zip: Buffer }[] = [];
  const missing: string[] = [];
  for (const ecosystem of ecosystems) {
    const stored = await store.get(osvExportKey(ecosystemSlug(ecosystem)));
    if (stored) exports.push({ ecosystem, zip: stored.body });
    else missing.push(ecosystem);
  }
  return { exports, missing };
}

/**
 * The advisory database of the exports kept in the object store (see `refreshOsvExports`),
 * built once and built again only when a stored export changed (its ETag): a warm scan
 * function answers from memory after one `head` per ecosystem.
 */
export class OsvDatabase {
  private loaded: Promise<LoadedDatabase> | null = null;
  private loadedVersion: string | null = null;

  constructor(
    private readonly store: ObjectStore,
    private readonly ecosystems: string[],
    private readonly limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  ) {}

  /** The index of the exports stored now. */
  async load(): Promise<LoadedDatabase> {
    const heads = await Promise.all(this.ecosystems.map((ecosystem) => this.store.head(osvExportKey(ecosystemSlug(ecosystem)))));
    const version = JSON.stringify(heads.map((head) => head?.etag ?? null));
    if (this.loaded && this.loadedVersion === version) return this.loaded;
    this.loadedVersion = version;
    this.loaded = this.read(version);
    this.loaded.catch(() => {
      this.loaded = null;
      this.loadedVersion = null;
    });
    return this.loaded;
  }

  private async read(version: string): Promise<LoadedDatabase> {
    const { exports, missing } = await readStoredExports(this.store, this.ecosystems);
    const { index, stats } = await buildIndex(exports, this.limits);
    return { index, stats: { ...stats, missing }, version };
  }
}
