export { abandonedBuild, storeAbandonedLog, type AbandonedBuild } from './abandoned';
export { BuildQueue, type BuildQueueOptions, type QueueResult } from './queue';
export { BuildRecords } from './records';
export { LogStreamer, systemClock, type LogStreamerOptions, type StreamerClock } from './log-streamer';
export { redact, REDACTED } from './redact';
export { configuredSecrets } from './secrets';
export { FINAL_STATUSES, type BuildRecord, type BuildStatus } from './types';
