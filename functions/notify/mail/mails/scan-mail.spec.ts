import { buildScanReport } from '../../../../shared/reports/scan-report';
import { vulnerabilitiesOf, type SeverityThreshold } from '../../../../shared/reports/vulnerabilities';
import { VULNERABILITY_RUN } from '../../../../shared/reports/__fixtures__/vulnerability-run';
import { renderHtml } from '../render/html';
import { renderText } from '../render/text';
import { advisoryKey, newAdvisories } from '../vulnerability-changes';
import { vulnerabilitySections } from './scan-mail';

const items = vulnerabilitiesOf(
  buildScanReport({ scanId: 's', image: { ref: 'r/a/b:latest' }, scannedAt: '2026-03-01T10:00:00.000Z', durationMs: 1, runs: [VULNERABILITY_RUN] }),
);
const reading = { status: 'ok', items };
const CRITICAL = 'critical 9.8 PYSEC-2099-1 (CVE-2099-0001) in urllib3 1.26.0: fix upstream only: 1.26.18 — Remote code execution <img src=x onerror=alert(1)>';
const HIGH = 'high 8.7 GHSA-aaaa-bbbb-cccc in urllib3 1.26.0: fix upstream only: 1.26.5 — Header injection';
const MEDIUM = 'medium 4.2 GHSA-j8r2-6x86-q33q (CVE-2023-32681) in requests 2.28.0: FIXABLE NOW: 2.31.0 — Unintended leak of Proxy-Authorization header';
const LOW = 'low 3.1 PYSEC-2099-2 (CVE-2099-0002) in requests 2.28.0: no fix — Slow regular expression';
const UNKNOWN = 'unknown OSV-2099-3 in certifi 2022.1.1: no fix — No score given';
const COUNTS: [string, string][] = [
  ['By severity', '1 critical, 1 high, 1 medium, 1 low, 1 unknown'],
  ['By status', '1 FIXABLE NOW, 2 fix upstream only, 2 no fix'],
];

describe('newAdvisories', () => {
  it.each([
    ['a first scan', undefined, null],
    ['a scan remembered before advisories were', null, null],
    ['a scan that had them all', items.map(advisoryKey), []],
    ['a scan that had all but the critical one', items.filter((item) => item.band !== 'critical').map(advisoryKey), ['PYSEC-2099-1']],
    ['a scan of another installed version: the same advisory is not new', ['PYSEC-2099-1 urllib3', ...items.slice(1).map(advisoryKey)], []],
  ])('after %s', (_case, previous, expected) => {
    expect(newAdvisories(previous, items)?.map((item) => item.advisory) ?? null).toEqual(expected);
  });
});

describe('vulnerabilitySections', () => {
  it.each<[string, SeverityThreshold, string[], number[]]>([
    ['medium (the default)', 'medium', [CRITICAL, HIGH, MEDIUM, '2 below medium not listed (see the scan page)'], [2]],
    ['critical', 'critical', [CRITICAL, '4 below critical not listed (see the scan page)'], []],
    ['all', 'all', [CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN], [2]],
  ])('on a first scan lists advisories at or above %s after the counts, fixable-now highlighted', (_case, threshold, listed, highlighted) => {
    expect(vulnerabilitySections({ reading, fresh: null, threshold })).toEqual([
      { heading: 'Vulnerabilities: 5 advisories', rows: COUNTS, items: listed, highlighted },
    ]);
  });

  it('puts the advisories new since the previous scan first, then the counts and the others', () => {
    const fresh = items.filter((item) => item.band === 'critical' || item.band === 'medium');
    expect(vulnerabilitySections({ reading, fresh, threshold: 'medium' })).toEqual([
      { heading: 'New since the previous scan: 2 advisories', items: [CRITICAL, MEDIUM], highlighted: [1] },
      { heading: 'Vulnerabilities: 5 advisories', rows: COUNTS, items: [HIGH, '2 below medium not listed (see the scan page)'], highlighted: [] },
    ]);
  });

  it.each([
    ['the scanner did not run', null, []],
    ['the scanner was skipped', { status: 'skipped', items: [] }, []],
    ['nothing affects the image', { status: 'ok', items: [] }, [{ heading: 'Vulnerabilities', items: ['No advisory affects this image.'] }]],
  ])('when %s', (_case, given, expected) => {
    expect(vulnerabilitySections({ reading: given, fresh: null, threshold: 'medium' })).toEqual(expected);
  });

  it('renders the highlight bold in HTML, escaped, and in words in the text part', () => {
    const document = { subject: 's', status: 'SUCCESS' as const, sections: vulnerabilitySections({ reading, fresh: null, threshold: 'medium' }) };
    const html = renderHtml(document);
    expect(html).toContain(`<li><strong>${MEDIUM}</strong></li>`);
    expect(html).toContain(
      '<li>critical 9.8 PYSEC-2099-1 (CVE-2099-0001) in urllib3 1.26.0: fix upstream only: 1.26.18 — Remote code execution &lt;img src=x onerror=alert(1)&gt;</li>',
    );
    expect(html).not.toContain('<img');
    expect(renderText(document)).toContain(`- ${MEDIUM}\r\n`);
  });
});
