import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { EXAMPLE_BUILD_ID, EXAMPLE_PROJECT } from './examples';
import { ImageRefSchema, MAX_REASON_CHARS, Maybe, OneOf, ProjectRefSchema, Text } from './parts';

export const ScannerSummarySchema = Type.Object(
  {
    status: OneOf(['ok', 'failed', 'skipped'], 'How the scanner ran.'),
    findings: Type.Number({ description: 'How many findings it reported.' }),
    reason: Maybe(Text('Why it failed or was skipped.', MAX_REASON_CHARS)),
  },
  { description: 'What one scanner reported.' },
);

export const ScanCompletedDataSchema = Type.Object({
  project: ProjectRefSchema,
  image: ImageRefSchema,
  buildId: Maybe(Text('The build that pushed the image, when a build did.')),
  scanners: Type.Record(Type.String(), ScannerSummarySchema, { description: "Each scanner's summary, by scanner name." }),
  reports: Type.Object(
    { json: Text('Object store key of the JSON report.'), html: Text('Object store key of the HTML report.'), sbom: Text('Object store key of the SBOM.') },
    { description: 'Object store keys of the reports.' },
  ),
});

export type ScannerSummary = Static<typeof ScannerSummarySchema>;
export type ScanCompletedData = Static<typeof ScanCompletedDataSchema>;

export const scanCompleted = defineContract({
  type: EventTypes.scanCompleted,
  description: 'An image was scanned.',
  emittedBy: 'scan (an image absent from the registry too)',
  consumedBy: 'notify, build (attaches the SBOM to the image as a signed attestation)',
  data: ScanCompletedDataSchema,
  example: {
    project: EXAMPLE_PROJECT,
    image: { ref: 'registry.example.com/centos/httpd:latest' },
    buildId: EXAMPLE_BUILD_ID,
    scanners: { 'rpm-updates': { status: 'ok', findings: 2 }, 'misc-package-updates': { status: 'skipped', findings: 0, reason: 'no pip in the image' } },
    reports: { json: 'scans/centos/httpd/latest/scan.json', html: 'scans/centos/httpd/latest/scan.html', sbom: 'scans/centos/httpd/latest/sbom.json' },
  },
});
