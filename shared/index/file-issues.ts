import type { LineCounter } from 'yaml';
import type { IndexIssue } from './types';

/** Anything with a source range (a YAML node), or a plain offset into the file's text. */
export type Located = { range?: readonly [number, number, number] | null } | number | null | undefined;

/** A position in a file that a later, index-wide check can report at. */
export type Position = Pick<IndexIssue, 'file' | 'line' | 'column'>;

/**
 * Collects the errors and warnings of one index file, turning YAML offsets into 1-based
 * line and column with the file's {@link LineCounter}.
 * @see https://eemeli.org/yaml/#working-with-source-tokens
 */
export class FileIssues {
  readonly errors: IndexIssue[] = [];
  readonly warnings: IndexIssue[] = [];

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  /** The position of a node, or of the file's start when the node has none. */
  at(where: Located): Position {
    const offset = typeof where === 'number' ? where : (where?.range?.[0] ?? 0);
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line: Math.max(1, line), column: Math.max(1, col) };
  }

  error(field: string, where: Located, message: string): void {
    this.errors.push({ ...this.at(where), field, message });
  }

  warning(field: string, where: Located, message: string): void {
    this.warnings.push({ ...this.at(where), field, message });
  }

  /** An error at a position already worked out (e.g. an entry's, kept from an earlier pass). */
  errorAt(field: string, position: Position, message: string): void {
    this.errors.push({ ...position, field, message });
  }
}
