import { RUNS } from '../../../shared/reports/__fixtures__/runs';
import { renderScanHtml } from './scan-html';
import { buildScanReport } from '../../../shared/reports/scan-report';

const REPORT = buildScanReport({
  scanId: 'scan-1',
  image: { ref: '127.0.0.1:5000/team/web:latest', digest: 'sha256:abc' },
  project: { appId: 'team', jobId: 'web', desiredTag: 'latest' },
  buildId: 'b1',
  scannedAt: '2026-03-01T10:00:00.000Z',
  durationMs: 15200,
  runs: RUNS,
});

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
