export * from './types';
export { buildScanReport, countBySeverity, SEVERITIES, type ScanReportInput } from './scan-report';
export { renderScanHtml, type HtmlLinks } from '../../functions/scan/reports/scan-html';
export { buildSbom, type CycloneDxBom, type CycloneDxComponent, type SbomInput } from '../../functions/scan/reports/cyclonedx';
export { buildImageState, readImageState, writeImageState, type ImageState } from './image-state';
export { relativeHref, scanReportKeys, storeScanReports, type ScanReportKeys } from '../../functions/scan/reports/store-reports';
export { escapeHtml, safeHref } from './html-escape';
