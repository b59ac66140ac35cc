export * from './types';
export { buildScanReport, countBySeverity, SEVERITIES, type ScanReportInput } from './scan-report';
export { renderScanHtml, type HtmlLinks } from './scan-html';
export { buildSbom, type CycloneDxBom, type CycloneDxComponent, type SbomInput } from './cyclonedx';
export { buildImageState, readImageState, writeImageState, type ImageState } from './image-state';
export { relativeHref, scanReportKeys, storeScanReports, type ScanReportKeys } from './store-reports';
export { escapeHtml, safeHref } from './html-escape';
