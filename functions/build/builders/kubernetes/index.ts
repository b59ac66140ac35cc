export { createKubernetesBuilder, KubernetesBuilderError, type KubernetesBuilderOptions } from './kubernetes-builder';
export { buildJob, STARTUP_ALLOWANCE_SECONDS, TTL_SECONDS_AFTER_FINISHED } from './job';
export { finishedJobOf, outcomeOf, JOB_EVENT_TYPES } from './complete';
export { LABELS, ANNOTATIONS, jobNameFor, labelValue } from './labels';
