import { renderConfigTable } from '../../shared/config/settings';

export const BEGIN = '<!-- config:begin -->';
export const END = '<!-- config:end -->';

/** The README's text outside the markers is kept; between them, the table of the declarations. */
export class MarkersMissingError extends Error {
  constructor() {
    super(`README.md has no ${BEGIN} … ${END} pair around the configuration table`);
    this.name = 'MarkersMissingError';
  }
}

/**
 * `readme` with the configuration table between its markers written from the declarations
 * (shared/config/settings).
 * @see ../../README.md#configuration
 */
export function withConfigTable(readme: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new MarkersMissingError();
  return `${readme.slice(0, begin + BEGIN.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}
