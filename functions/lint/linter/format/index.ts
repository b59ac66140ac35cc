export { formatJson } from './json';
export { formatSarif } from './sarif';
export { formatTty } from './tty';
export { helpUri } from './help-uri';
