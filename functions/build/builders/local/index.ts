export { createLocalBuilder, type LocalBuilderOptions } from './local-builder';
export { storageDriverFor, removeStorage, unmountStorage, mountsBelow, type StorageDriver, type BuildahStorage } from '../../../../shared/builds/storage';
