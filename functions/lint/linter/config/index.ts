export { parseLintConfig } from './parse';
export { loadLintConfig } from './load';
