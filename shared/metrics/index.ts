export { createMetrics, defaultMetrics, trackQueueDepth, type CcpMetrics } from './metrics';
export { METRIC_NAMES, HISTOGRAM_SUFFIXES, type FailureReason, type TickName } from './names';
export { recordHandled, recordReceived, recordEmitted, recordDeadLetter, markTickSucceeded, type HandledCall } from './observe';
export { observeBroker } from './broker-observer';
export { addMetricsRoute, METRICS_PATH } from './metrics-route';
export { eventLogFields } from './log-fields';
