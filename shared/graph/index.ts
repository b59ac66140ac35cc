export { DependencyGraph } from './dependency-graph';
export { DependencyCycleError, formatCycle } from './errors';
