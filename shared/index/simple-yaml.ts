// Kept because the numbers say users need it (issue #13: "keep it only if the benchmark shows
// users need it"). Goal: load + validate 10,000 projects < 1000 ms (bench/index-graph.ts,
// `npm run bench -- dependency`). Measured 2026-12-06 on the 2-core CI box, 5 interleaved
// processes each, the same generated index (100 files, chains 5 deep), yaml 2.9.1:
//   with this fast path:                first load median 496 ms, warm median 335 ms (met)
//   `yaml` parseDocument + LineCounter: first load median 1715 ms, warm median 1491 ms (NOT met)
// The `yaml` package alone misses the goal by ~1.5x; this path makes the load ~3.5x faster.
// The `yaml`-only numbers come from the same load with this function replaced by one returning
// undefined (parse-file.ts then uses `yaml` for every file); remeasure that before deleting it.
import { Pair, Scalar, YAMLMap, YAMLSeq, type LineCounter, type Node } from 'yaml';

/**
 * A fast reader for the plain subset of YAML that index files are written in: block mappings
 * with plain keys, block sequences, plain and simply quoted scalars, one-line flow sequences of
 * plain scalars, comments. It builds the same nodes, with the same start offsets, as the `yaml`
 * package (about 3.5 times faster on the 10,000-project bench index, see above). It returns `undefined` for anything
 * else (anchors, tags, block scalars, escapes, tabs, multi-line scalars...), and the caller
 * then parses the file with the `yaml` package, which also reports syntax errors; a spec checks
 * both give the same index on the real index, generated and broken files.
 * @see https://yaml.org/spec/1.2.2/#chapter-8-block-style-productions
 */
export function parseSimpleYaml(text: string, lineCounter: LineCounter): Node | undefined {
  if (/[\t\r\uFEFF]/.test(text)) return undefined;
  const lines: Line[] = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const indent = raw.length - raw.trimStart().length;
    const content = raw.trimEnd().slice(indent);
    if (content !== '' && !content.startsWith('#')) lines.push({ indent, content, offset: offset + indent });
    offset += raw.length + 1;
  }
  if (lines.length === 0 || lines[0]!.indent !== 0 || lines.some((line) => /^(?:---|\.\.\.)(?:\s|$)/.test(line.content))) return undefined;
  const reader = new Reader(lines);
  const root = reader.block(0);
  if (root === undefined || reader.position !== lines.length) return undefined;
  let start = 0;
  lineCounter.addNewLine(0);
  while ((start = text.indexOf('\n', start) + 1) > 0) lineCounter.addNewLine(start);
  return root;
}

interface Line {
  indent: number;
  content: string;
  offset: number;
}

const KEY_LINE = /^([A-Za-z_][\w./-]*)( *):(?: +|$)/;
const NOT_PLAIN_START = /^[&*!|>%@`{}\]?,#'"[]|^-(?: |$)/;

class Reader {
  position = 0;

  constructor(private readonly lines: Line[]) {}

  /** The node whose first line is the current one, at exactly `indent`. */
  block(indent: number): Node | undefined {
    const line = this.lines[this.position];
    if (!line || line.indent !== indent) return undefined;
    if (/^-(?: |$)/.test(line.content)) return this.sequence(indent);
    if (KEY_LINE.test(line.content)) return this.mapping(indent);
    return undefined;
  }

  private mapping(indent: number): YAMLMap | undefined {
    const map = new YAMLMap();
    map.range = [this.lines[this.position]!.offset, 0, 0];
    for (let line = this.lines[this.position]; line && line.indent === indent; line = this.lines[this.position]) {
      const match = KEY_LINE.exec(line.content);
      if (!match) return undefined;
      const key = scalar(match[1]!, match[1]!, line.offset);
      const rest = line.content.slice(match[0].length);
      const valueOffset = line.offset + match[0].length;
      this.position++;
      let value: Node | undefined;
      if (rest === '' || rest.startsWith('#')) {
        const next = this.lines[this.position];
        if (next && next.indent > indent) value = this.block(next.indent);
        else if (next && next.indent === indent && /^-(?: |$)/.test(next.content)) value = this.sequence(indent);
        else value = scalar(null, '', valueOffset);
      } else {
        value = flowOrScalar(rest, valueOffset);
      }
      if (value === undefined) return undefined;
      map.items.push(new Pair(key, value));
    }
    return map;
  }

  private sequence(indent: number): YAMLSeq | undefined {
    const seq = new YAMLSeq();
    seq.range = [this.lines[this.position]!.offset, 0, 0];
    for (let line = this.lines[this.position]; line && line.indent === indent && /^-(?: |$)/.test(line.content); line = this.lines[this.position]) {
      const rest = line.content.slice(1).trimStart();
      const column = indent + line.content.length - rest.length;
      let item: Node | undefined;
      if (rest === '' || rest.startsWith('#')) {
        this.position++;
        const next = this.lines[this.position];
        item = next && next.indent > indent ? this.block(next.indent) : scalar(null, '', line.offset + 1);
      } else if (KEY_LINE.test(rest)) {
        // `- key: value` opens a mapping whose keys line up with this first one.
        this.lines[this.position] = { indent: column, content: rest, offset: line.offset + (column - indent) };
        item = this.mapping(column);
      } else if (/^-(?: |$)/.test(rest)) {
        return undefined;
      } else {
        this.position++;
        item = flowOrScalar(rest, line.offset + (column - indent));
      }
      if (item === undefined) return undefined;
      seq.items.push(item);
    }
    return seq;
  }
}

function flowOrScalar(text: string, offset: number): Node | undefined {
  const comment = text.search(/ +#/);
  const value = comment >= 0 ? text.slice(0, comment) : text;
  if (value.startsWith('[')) return flowSequence(value, offset);
  if (value.startsWith("'")) return quoted(value, "'", offset);
  if (value.startsWith('"')) return quoted(value, '"', offset);
  return plain(value, offset);
}

function flowSequence(text: string, offset: number): YAMLSeq | undefined {
  if (!text.endsWith(']')) return undefined;
  const seq = new YAMLSeq();
  seq.range = [offset, 0, 0];
  const inner = text.slice(1, -1);
  if (inner.trim() === '') return seq;
  let start = 1;
  for (const part of inner.split(',')) {
    const lead = part.length - part.trimStart().length;
    const item = plain(part.trim(), offset + start + lead);
    if (item === undefined || part.trim() === '' || /[[\]{}]/.test(part)) return undefined;
    seq.items.push(item);
    start += part.length + 1;
  }
  return seq;
}

function quoted(text: string, quote: "'" | '"', offset: number): Scalar | undefined {
  if (text.length < 2 || !text.endsWith(quote)) return undefined;
  const inner = text.slice(1, -1);
  if (quote === '"' && /["\\]/.test(inner)) return undefined;
  if (quote === "'" && /'(?!')/.test(inner.replace(/''/g, ''))) return undefined;
  return scalar(quote === "'" ? inner.replace(/''/g, "'") : inner, text, offset);
}

/** A plain scalar, resolved as the YAML 1.2 core schema does. */
function plain(text: string, offset: number): Scalar | undefined {
  if (text === '' || NOT_PLAIN_START.test(text) || /: |:$| #/.test(text)) return undefined;
  if (/^(?:~|null|Null|NULL)$/.test(text)) return scalar(null, text, offset);
  if (/^(?:true|True|TRUE)$/.test(text)) return scalar(true, text, offset);
  if (/^(?:false|False|FALSE)$/.test(text)) return scalar(false, text, offset);
  if (/^[-+]?[0-9]+$/.test(text)) return scalar(Number(text), text, offset);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return scalar(Number(text), text, offset);
  if (/^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$|^0[ox]/.test(text)) return undefined;
  return scalar(text, text, offset);
}

function scalar(value: unknown, source: string, offset: number): Scalar {
  const node = new Scalar(value);
  node.source = source;
  node.range = [offset, offset + source.length, offset + source.length];
  return node;
}
