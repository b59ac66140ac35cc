export * from './types';
export { makeEvent, functionSource, type MakeOptions } from './make';
export { validateEvent, isEventOfType, parseData, dataOf, KNOWN_TYPES } from './validate';
export { deriveBuildId, newBuildId } from './build-id';
