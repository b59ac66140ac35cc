import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RUNS } from '../../../shared/reports/__fixtures__/runs';
import { buildSbom } from './cyclonedx';

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

describe('buildSbom', () => {
  const bom = buildSbom(INPUT);

  it('is valid CycloneDX 1.5 JSON (the official schema)', () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    ajv.addSchema(schema('spdx.SNAPSHOT.schema.json'), 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json');
    ajv.addSchema(schema('jsf-0.82.SNAPSHOT.schema.json'), 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json');
    const validate = ajv.compile(schema('bom-1.5.SNAPSHOT.schema.json'));
    const valid = validate(JSON.parse(JSON.stringify(bom)));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
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
