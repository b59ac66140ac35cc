export { renderScanHtml, type HtmlLinks } from './scan-html';
export { buildSbom, type CycloneDxBom, type CycloneDxComponent, type SbomInput } from './cyclonedx';
export { relativeHref, scanReportKeys, storeScanReports, type ScanReportKeys } from './store-reports';
