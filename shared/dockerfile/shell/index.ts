export { parseShell } from './parse';
export * from './command';
export type { ShellCommand, ShellScript } from './types';
