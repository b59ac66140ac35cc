export { createLocalBuilder, type LocalBuilderOptions } from './local-builder';
export { storageDriverFor, removeStorage, type StorageDriver, type BuildahStorage } from './storage';
