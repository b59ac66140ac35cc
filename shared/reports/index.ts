export * from './types';
export { buildScanReport, countBySeverity, SEVERITIES, type ScanReportInput } from './scan-report';
export { buildImageState, readImageState, writeImageState, type ImageState } from './image-state';
export { escapeHtml, safeHref } from './html-escape';
