import { RUNS } from '../../../shared/reports/__fixtures__/runs';
import { renderScanHtml } from './scan-html';
import { buildScanReport } from '../../../shared/reports/scan-report';
import { VULNERABILITY_RUN } from '../../../shared/reports/__fixtures__/vulnerability-run';
import { createHash } from 'node:crypto';

const REPORT_INPUT = {
  scanId: 'scan-1',
  image: { ref: '127.0.0.1:5000/team/web:latest', digest: 'sha256:abc' },
  project: { appId: 'team', jobId: 'web', desiredTag: 'latest' },
  buildId: 'b1',
  scannedAt: '2026-03-01T10:00:00.000Z',
  durationMs: 15200,
  runs: RUNS,
};
const REPORT = buildScanReport(REPORT_INPUT);

describe('renderScanHtml', () => {
  const html = renderScanHtml(REPORT, { buildLog: 'build.log', lint: '../b1/lint.json', json: 'scan.json', sbom: 'https://reports.example.org/sbom.cdx.json' });

  it('escapes every value from the image: no injected element survives', () => {
    expect(html).not.toContain('<script');
    expect(html).toContain(
      '<p class="label">Label RUN: <code>docker run --privileged -e X=&quot;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&quot; IMAGE</code></p>',
    );
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 1.0 → 2.0 (new major version)');
    expect([...new Set(html.match(/<[a-z0-9]+/g)!.map((tag) => tag.slice(1)))].filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
  });

  it('puts the verdict and counts first, then one section per scanner', () => {
    const verdictAt = html.indexOf('class="verdict verdict-high">High-severity findings<');
    expect(verdictAt).toBeGreaterThan(0);
    expect(html).toContain('<td class="sev-high"><span class="count">1</span> high</td><td class="sev-medium"><span class="count">1</span> medium</td>');
    const sections = [...html.matchAll(/<section id="([^"]+)">/g)].map((match) => match[1]);
    expect(sections).toEqual(['pip-updates', 'npm-updates', 'gem-updates', 'capabilities']);
    expect(html.indexOf('<section id="pip-updates">')).toBeGreaterThan(verdictAt);
    expect(html).toContain('<p class="reason reason-failed">the npm registry unreachable: http://127.0.0.1:1/lodash: ECONNREFUSED</p>');
    expect(html).toContain('<li>in-house: unknown to the Python package index</li>');
  });

  it('links the build log, lint report, scan.json and SBOM, and has no external assets', () => {
    expect(html).toContain('<a href="build.log">Build log</a>');
    expect(html).toContain('<a href="../b1/lint.json">Lint report</a>');
    expect(html).toContain('<a href="https://reports.example.org/sbom.cdx.json">SBOM (CycloneDX)</a>');
    expect(html).not.toMatch(/<(link|script|img|iframe)\b/);
    expect(html).not.toMatch(/src=|@import|url\(/);
  });

  it('drops links with a scheme other than http(s)', () => {
    const page = renderScanHtml(REPORT, { buildLog: 'javascript:alert(1)', lint: 'data:text/html,x' });
    expect(page).not.toContain('javascript:');
    expect(page).not.toContain('Lint report');
  });
});

describe('renderScanHtml: the vulnerabilities section', () => {
  const report = buildScanReport({ ...REPORT_INPUT, runs: [...RUNS, VULNERABILITY_RUN] });
  const html = renderScanHtml(report);
  const table = html.slice(
    html.indexOf('<table class="findings vulnerabilities"'),
    html.indexOf('</table>', html.indexOf('<table class="findings vulnerabilities"')),
  );
  const rows = [
    ...table.matchAll(
      /<tr><td class="sev sev-([a-z]+)" data-sort="(\d)">([^<]+)<\/td><td data-sort="(\d)"><span class="fix fix-[a-z-]+">([^<]+)<\/span><\/td><td data-sort="[^"]*"><a href="([^"]+)">([^<]+)<\/a>/g,
    ),
  ].map((match) => match.slice(1));

  it('orders rows by severity, then status, each severity with its word and colour class', () => {
    expect(rows).toEqual([
      ['critical', '0', 'critical 9.8', '1', 'fix upstream only', 'https://osv.dev/vulnerability/PYSEC-2099-1', 'PYSEC-2099-1'],
      ['high', '1', 'high 8.7', '1', 'fix upstream only', 'https://osv.dev/vulnerability/GHSA-aaaa-bbbb-cccc', 'GHSA-aaaa-bbbb-cccc'],
      ['medium', '2', 'medium 4.2', '0', 'fixable now', 'https://osv.dev/vulnerability/GHSA-j8r2-6x86-q33q', 'GHSA-j8r2-6x86-q33q'],
      ['low', '3', 'low 3.1', '2', 'no fix', 'https://osv.dev/vulnerability/PYSEC-2099-2', 'PYSEC-2099-2'],
      ['info', '5', 'unknown', '2', 'no fix', 'https://osv.dev/vulnerability/OSV-2099-3', 'OSV-2099-3'],
    ]);
  });

  it.each([
    ['the CVE beside the advisory', '<br><span class="alias">CVE-2023-32681</span>'],
    ['the fixed version and what the repos carry', '<code>2.31.0</code><br><span class="alias">available 2.31.0</span>'],
    ['a dash where there is no fix', '<td data-sort="">—</td>'],
    ['the hostile summary as text', 'Remote code execution &lt;img src=x onerror=alert(1)&gt;'],
    ['the CVSS vector', '<code class="vector">CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</code>'],
  ])('shows %s', (_what, fragment) => {
    expect(table).toContain(fragment);
  });

  it('escapes every value: no element from the advisory survives', () => {
    expect(html).not.toContain('<img');
    expect([...new Set(html.match(/<[a-z0-9]+/g)!.map((tag) => tag.slice(1)))].filter((tag) => !ALLOWED_TAGS.has(tag) && tag !== 'script')).toEqual([]);
  });

  it('runs only its own sort script, allowed by hash in the CSP, and has headers that read without it', () => {
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(html.match(/<script/g)).toHaveLength(1);
    const hash = createHash('sha256').update(script).digest('base64');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'"`);
    expect(script).not.toMatch(/fetch|XMLHttpRequest|innerHTML|eval/);
    expect(() => new Function(script)).not.toThrow();
    expect(table).toContain('<th data-column="0">severity</th><th data-column="1">status</th><th data-column="2">advisory</th>');
  });

  it('keeps a page without advisories free of scripts', () => {
    expect(renderScanHtml(REPORT)).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });
});

const ALLOWED_TAGS = new Set([
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'header',
  'h1',
  'h2',
  'p',
  'code',
  'br',
  'table',
  'tr',
  'td',
  'th',
  'thead',
  'tbody',
  'nav',
  'ul',
  'li',
  'a',
  'main',
  'section',
  'span',
  'dl',
  'dt',
  'dd',
]);
