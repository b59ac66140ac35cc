import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RUNS } from '../../../shared/reports/__fixtures__/runs';
import { buildSbom, ratingMethod } from './cyclonedx';
import { buildScanReport } from '../../../shared/reports/scan-report';
import { vulnerabilitiesOf } from '../../../shared/reports/vulnerabilities';
import { V30_MEDIUM, V31_CRITICAL, V40_HIGH, VULNERABILITY_RUN, vulnerabilityFinding } from '../../../shared/reports/__fixtures__/vulnerability-run';

const PACKAGE_VERSION = (JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;

const SCHEMAS = path.join(path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');

function schema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')) as Record<string, unknown>;
}

const PACKAGES = [
  ...RUNS.flatMap((run) => run.result.packages),
  {
    ecosystem: 'rpm' as const,
    name: 'bash',
    version: '5.1.8',
    purl: 'pkg:rpm/centos/bash@5.1.8-6.el9?arch=x86_64',
    qualifiers: { release: '6.el9', arch: 'x86_64' },
  },
  { ecosystem: 'gem' as const, name: 'rake', version: '13.1.0', purl: 'pkg:gem/rake@13.1.0' },
];
const INPUT = {
  image: { ref: '127.0.0.1:5000/team/web:latest', digest: 'sha256:0123' },
  packages: PACKAGES,
  timestamp: '2026-03-01T10:00:00.000Z',
  scanId: 'scan-1',
  toolVersion: '0.1.0',
};

function validator(): (bom: unknown) => { valid: boolean; errors: unknown[] } {
  const ajv = new Ajv({ strict: false, validateFormats: false });
  ajv.addSchema(schema('spdx.SNAPSHOT.schema.json'), 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json');
  ajv.addSchema(schema('jsf-0.82.SNAPSHOT.schema.json'), 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json');
  const validate = ajv.compile(schema('bom-1.5.SNAPSHOT.schema.json'));
  return (bom) => {
    const valid = validate(JSON.parse(JSON.stringify(bom)));
    return { valid, errors: validate.errors ?? [] };
  };
}

describe('buildSbom', () => {
  const bom = buildSbom(INPUT);

  it('is valid CycloneDX 1.5 JSON (the official schema)', () => {
    expect(validator()(bom)).toEqual({ valid: true, errors: [] });
    expect(bom.vulnerabilities).toBeUndefined();
  });

  it('names the image with its digest and lists every package once, with its purl', () => {
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1 });
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bom.metadata.component).toEqual({
      type: 'container',
      'bom-ref': '127.0.0.1:5000/team/web@sha256:0123',
      name: '127.0.0.1:5000/team/web',
      version: 'sha256:0123',
      purl: 'pkg:oci/web@sha256:0123?repository_url=127.0.0.1:5000%2Fteam%2Fweb&tag=latest',
    });
    expect(bom.components.map((component) => [component.type, component.name, component.version, component.purl])).toEqual([
      ['library', 'rake', '13.1.0', 'pkg:gem/rake@13.1.0'],
      ['library', '@babel/core', '7.24.0', 'pkg:npm/%40babel/core@7.24.0'],
      ['library', '<script>alert("x")</script>', '1.0', 'pkg:pypi/%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E@1.0'],
      ['library', 'requests', '2.28.0', 'pkg:pypi/requests@2.28.0'],
      ['library', 'bash', '5.1.8', 'pkg:rpm/centos/bash@5.1.8-6.el9?arch=x86_64'],
    ]);
    expect(bom.components[3]!.properties).toEqual([
      { name: 'ccp:location', value: 'usr/lib/python3/site-packages/requests-2.28.0.dist-info' },
      { name: 'ccp:location', value: 'opt/venv/lib/python3/site-packages/requests-2.28.0.dist-info' },
    ]);
  });

  it("names ccp as its tool at package.json's version unless told another", () => {
    expect(buildSbom({ ...INPUT, toolVersion: undefined }).metadata.tools.components).toEqual([{ type: 'application', name: 'ccp', version: PACKAGE_VERSION }]);
    expect(bom.metadata.tools.components).toEqual([{ type: 'application', name: 'ccp', version: '0.1.0' }]);
  });

  it('writes the same serial number for the same scan, another for another', () => {
    expect(buildSbom(INPUT).serialNumber).toBe(bom.serialNumber);
    expect(buildSbom({ ...INPUT, scanId: 'scan-2' }).serialNumber).not.toBe(bom.serialNumber);
  });
});

describe('buildSbom: vulnerabilities', () => {
  const report = buildScanReport({
    scanId: 'scan-1',
    image: INPUT.image,
    scannedAt: INPUT.timestamp,
    durationMs: 1,
    runs: [VULNERABILITY_RUN],
  });
  const vulnerabilities = vulnerabilitiesOf(report);
  const packages = [
    { ecosystem: 'pypi' as const, name: 'requests', version: '2.28.0', purl: 'pkg:pypi/requests@2.28.0' },
    { ecosystem: 'pypi' as const, name: 'urllib3', version: '1.26.0', purl: 'pkg:pypi/urllib3@1.26.0' },
    { ecosystem: 'pypi' as const, name: 'certifi', version: '2022.1.1', purl: 'pkg:pypi/certifi@2022.1.1' },
  ];
  const bom = buildSbom({ ...INPUT, packages, vulnerabilities });

  it('is valid CycloneDX 1.5 JSON with its vulnerabilities (the official schema), which refuses an unknown rating method', () => {
    const validate = validator();
    expect(validate(bom)).toEqual({ valid: true, errors: [] });
    const broken = { ...bom, vulnerabilities: [{ ...bom.vulnerabilities![0]!, ratings: [{ severity: 'high', method: 'CVSSv5' }] }] };
    expect(validate(broken).valid).toBe(false);
  });

  it('lists each advisory once, most severe first, rated by the method of its vector', () => {
    expect(bom.vulnerabilities!.map((item) => [item.id, item.ratings])).toEqual([
      ['PYSEC-2099-1', [{ source: { name: 'OSV' }, score: 9.8, severity: 'critical', method: 'CVSSv31', vector: V31_CRITICAL }]],
      ['GHSA-aaaa-bbbb-cccc', [{ source: { name: 'OSV' }, score: 8.7, severity: 'high', method: 'CVSSv4', vector: V40_HIGH }]],
      ['GHSA-j8r2-6x86-q33q', [{ source: { name: 'OSV' }, score: 4.2, severity: 'medium', method: 'CVSSv3', vector: V30_MEDIUM }]],
      ['PYSEC-2099-2', [{ source: { name: 'OSV' }, score: 3.1, severity: 'low', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N' }]],
      ['OSV-2099-3', [{ source: { name: 'OSV' }, severity: 'unknown', method: 'other' }]],
    ]);
  });

  it('names its source and aliases, recommends the fix and affects the component by its bom-ref', () => {
    const componentRefs = new Set(bom.components.map((component) => component['bom-ref']));
    expect(bom.vulnerabilities!.flatMap((item) => item.affects.map((affected) => affected.ref)).every((ref) => componentRefs.has(ref))).toBe(true);
    expect(bom.vulnerabilities![2]).toEqual({
      'bom-ref': 'vulnerability:GHSA-j8r2-6x86-q33q',
      id: 'GHSA-j8r2-6x86-q33q',
      source: { name: 'OSV', url: 'https://osv.dev/vulnerability/GHSA-j8r2-6x86-q33q' },
      references: [
        { id: 'CVE-2023-32681', source: { name: 'OSV', url: 'https://osv.dev/vulnerability/CVE-2023-32681' } },
        { id: 'PYSEC-2023-74', source: { name: 'OSV', url: 'https://osv.dev/vulnerability/PYSEC-2023-74' } },
      ],
      ratings: [{ source: { name: 'OSV' }, score: 4.2, severity: 'medium', method: 'CVSSv3', vector: V30_MEDIUM }],
      description: 'Unintended leak of Proxy-Authorization header',
      recommendation: 'Upgrade requests 2.28.0 → 2.31.0',
      affects: [{ ref: 'pkg:pypi/requests@2.28.0', versions: [{ version: '2.28.0', status: 'affected' }] }],
      analysis: { response: ['update'], detail: 'requests 2.28.0: fixed in 2.31.0, available now (2.31.0)' },
    });
  });

  it.each([
    ['fixable-now', { response: ['update'], detail: 'requests 2.28.0: fixed in 2.31.0, available now (2.31.0)' }],
    ['fix-upstream-only', { detail: "urllib3 1.26.0: fixed upstream in 1.26.18, not yet in the image's repositories" }],
    ['no-fix', { response: ['can_not_fix'], detail: 'requests 2.28.0: no fixed version published' }],
  ])('answers %s with its analysis', (status, analysis) => {
    const item = bom.vulnerabilities!.find((entry) => vulnerabilities.find((v) => v.advisory === entry.id)!.status === status)!;
    expect(item.analysis).toEqual(analysis);
  });

  it('joins the packages one advisory affects into one entry', () => {
    const shared = vulnerabilityFinding({
      advisory: 'GHSA-same',
      aliases: [],
      summary: 'x',
      package: 'certifi',
      installed: '2022.1.1',
      purl: 'pkg:pypi/certifi@2022.1.1',
      fixed: '2023.7.22',
      status: 'fix-upstream-only',
      band: 'high',
      score: 7.5,
    });
    const twice = buildScanReport({
      ...{ scanId: 's', image: INPUT.image, scannedAt: INPUT.timestamp, durationMs: 1 },
      runs: [
        {
          ...VULNERABILITY_RUN,
          result: {
            ...VULNERABILITY_RUN.result,
            findings: [
              shared,
              {
                ...shared,
                id: 'GHSA-same urllib3@1.26.0',
                details: { ...shared.details, package: 'urllib3', installed: '1.26.0', purl: 'pkg:pypi/urllib3@1.26.0' },
              },
            ],
          },
        },
      ],
    });
    const [entry] = buildSbom({ ...INPUT, packages, vulnerabilities: vulnerabilitiesOf(twice) }).vulnerabilities!;
    expect(entry!.affects.map((affected) => affected.ref)).toEqual(['pkg:pypi/certifi@2022.1.1', 'pkg:pypi/urllib3@1.26.0']);
    expect(entry!.recommendation).toBe('Upgrade certifi 2022.1.1 → 2023.7.22, urllib3 1.26.0 → 2023.7.22');
  });

  it.each([
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSSv3'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSSv31'],
    [V40_HIGH, 'CVSSv4'],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 'CVSSv2'],
    ['(AV:N/AC:L/Au:N/C:P/I:P/A:P)', 'CVSSv2'],
    [undefined, 'other'],
  ])('rates %s by %s', (vector, method) => {
    expect(ratingMethod(vector)).toBe(method);
  });
});
