export { abandonedBuild, storeAbandonedLog, type AbandonedBuild } from './abandoned';
export { BuildQueue, type BuildQueueOptions, type QueueResult } from './queue';
export { BuildRecords } from './records';
export { LogStreamer, systemClock, type LogStreamerOptions, type StreamerClock } from './log-streamer';
export { configuredSecrets, redact, REDACTED } from '../redact';
export { FINAL_STATUSES, type BuildRecord, type BuildStatus } from './types';
