import { parseEcosystem } from './ecosystems';
import { OsvRecordError } from './errors';
import type { AffectedPackage, AffectedRange, Advisory, RangeEvent, SeverityScore } from './types';

/** Bounds on what one record may hold: a record is read from a download and trusted for nothing. */
const MAX_TEXT = 2_000;
const MAX_LIST = 1_000;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function text(entry: string, value: unknown, field: string, required = false): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw new OsvRecordError(entry, `${field} is missing`);
    return undefined;
  }
  if (typeof value !== 'string') throw new OsvRecordError(entry, `${field} is not a string`);
  return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
}

function list(entry: string, value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OsvRecordError(entry, `${field} is not a list`);
  if (value.length > MAX_LIST) throw new OsvRecordError(entry, `${field} has more than ${MAX_LIST} entries`);
  return value;
}

function strings(entry: string, value: unknown, field: string): string[] {
  return list(entry, value, field).map((item, i) => text(entry, item, `${field}[${i}]`, true)!);
}

function severities(entry: string, value: unknown, field: string): SeverityScore[] {
  return list(entry, value, field).map((item, i) => {
    if (!isObject(item)) throw new OsvRecordError(entry, `${field}[${i}] is not an object`);
    return { type: text(entry, item.type, `${field}[${i}].type`, true)!, score: text(entry, item.score, `${field}[${i}].score`, true)! };
  });
}

const EVENT_KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

function events(entry: string, value: unknown, field: string): RangeEvent[] {
  const parsed = list(entry, value, field).map((item, i): RangeEvent => {
    const kinds = isObject(item) ? EVENT_KINDS.filter((kind) => item[kind] !== undefined) : [];
    if (!isObject(item) || kinds.length !== 1) throw new OsvRecordError(entry, `${field}[${i}] must have exactly one of ${EVENT_KINDS.join(', ')}`);
    const kind = kinds[0]!;
    const version = text(entry, item[kind], `${field}[${i}].${kind}`, true)!;
    return { [kind]: version } as RangeEvent;
  });
  if (!parsed.some((event) => 'introduced' in event)) throw new OsvRecordError(entry, `${field} has no introduced event`);
  return parsed;
}

function affectedPackage(entry: string, value: unknown, field: string): AffectedPackage | null {
  if (!isObject(value)) throw new OsvRecordError(entry, `${field} is not an object`);
  const pkg = value.package;
  // An entry without a package names a commit range of some repository: nothing installed matches it.
  if (!isObject(pkg)) return null;
  const ecosystem = text(entry, pkg.ecosystem, `${field}.package.ecosystem`, true)!;
  if (!parseEcosystem(ecosystem)) return null;
  const ranges: AffectedRange[] = [];
  list(entry, value.ranges, `${field}.ranges`).forEach((range, i) => {
    if (!isObject(range)) throw new OsvRecordError(entry, `${field}.ranges[${i}] is not an object`);
    const type = text(entry, range.type, `${field}.ranges[${i}].type`, true);
    if (type === 'ECOSYSTEM' || type === 'SEMVER') ranges.push({ type, events: events(entry, range.events, `${field}.ranges[${i}].events`) });
  });
  const purl = text(entry, pkg.purl, `${field}.package.purl`);
  return {
    ecosystem,
    name: text(entry, pkg.name, `${field}.package.name`, true)!,
    ...(purl ? { purl } : {}),
    ranges,
    versions: strings(entry, value.versions, `${field}.versions`),
    severity: severities(entry, value.severity, `${field}.severity`),
  };
}

/**
 * One OSV record (the JSON of one export entry) as an {@link Advisory}, or `null` when it is
 * withdrawn (`withdrawn` set: the advisory was retracted and must not be reported). Affected
 * entries of ecosystems ccp does not read, and `GIT` ranges, are dropped. A record that breaks
 * the schema where ccp reads it throws an {@link OsvRecordError} naming the field.
 * @see https://ossf.github.io/osv-schema/#withdrawn-field
 */
export function parseOsvRecord(entry: string, record: unknown): Advisory | null {
  if (!isObject(record)) throw new OsvRecordError(entry, 'is not a JSON object');
  const id = text(entry, record.id, 'id', true)!;
  if (record.withdrawn !== undefined && record.withdrawn !== null) return null;
  const aliases = strings(entry, record.aliases, 'aliases').sort(
    (a, b) => Number(b.startsWith('CVE-')) - Number(a.startsWith('CVE-')) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const affected = list(entry, record.affected, 'affected')
    .map((item, i) => affectedPackage(entry, item, `affected[${i}]`))
    .filter((item): item is AffectedPackage => item !== null);
  const published = text(entry, record.published, 'published');
  const databaseSpecific = isObject(record.database_specific) ? record.database_specific : {};
  const databaseSeverity = typeof databaseSpecific.severity === 'string' ? databaseSpecific.severity.slice(0, 40) : undefined;
  return {
    id,
    aliases,
    summary: text(entry, record.summary, 'summary') ?? text(entry, record.details, 'details')?.split('\n')[0] ?? '',
    modified: text(entry, record.modified, 'modified', true)!,
    ...(published ? { published } : {}),
    severity: severities(entry, record.severity, 'severity'),
    affected,
    ...(databaseSeverity ? { databaseSeverity } : {}),
  };
}
