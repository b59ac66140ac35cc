export { DependencyGraph } from './dependency-graph';
export { DependencyCycleError, formatCycle } from './errors';
export { baseImagesOf, fromImagesOf, indexImageOf, SEED_REGISTRY, type BaseImageOptions } from './from-parents';
