import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { CENTOS_INDEX as REAL_INDEX } from '../../test/__fixtures__/centos/paths';
import { generateIndex } from './generate-index';
import { parseSimpleYaml } from './simple-yaml';

const FIXTURES = path.join(__dirname, '__fixtures__');

/** What the index reader looks at in a node: kind, value, source spelling of numbers, start offset. */
function shape(node: unknown): unknown {
  if (isMap(node)) return { map: node.range?.[0], items: node.items.map((pair) => (isPair(pair) ? [shape(pair.key), shape(pair.value)] : 'not a pair')) };
  if (isSeq(node)) return { seq: node.range?.[0], items: node.items.map(shape) };
  if (isScalar(node)) return { value: node.value, source: typeof node.value === 'number' ? node.source : undefined, at: node.range?.[0] };
  return { other: node === null ? null : typeof node };
}

function both(text: string): { simple: unknown; full: unknown; lines: [number[], number[]] } {
  const simpleLines = new LineCounter();
  const fullLines = new LineCounter();
  const simple = parseSimpleYaml(text, simpleLines);
  const full = parseDocument(text, { lineCounter: fullLines, uniqueKeys: false }).contents;
  return { simple: simple === undefined ? undefined : shape(simple), full: shape(full), lines: [simpleLines.lineStarts, fullLines.lineStarts] };
}

const files = (dir: string) =>
  readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => [name, readFileSync(path.join(dir, name), 'utf8')] as const);

describe('parseSimpleYaml', () => {
  it.each(files(REAL_INDEX))('reads real %s exactly as the yaml package does', (_name, text) => {
    const { simple, full, lines } = both(text);
    expect(simple).toEqual(full);
    expect(lines[0]).toEqual(lines[1]);
  });

  it.each([...files(path.join(FIXTURES, 'good')), ...files(path.join(FIXTURES, 'broken')).filter(([name]) => name !== 'syntax.yaml')])(
    'reads fixture %s exactly as the yaml package does',
    (_name, text) => {
      const { simple, full } = both(text);
      expect(simple).toEqual(full);
    },
  );

  it('reads a generated index exactly as the yaml package does', () => {
    for (const { text } of generateIndex({ projects: 300, files: 3, rootFamilySize: 40 }).texts) {
      const { simple, full } = both(text);
      expect(simple).toEqual(full);
    }
  });

  it.each([
    ['quoted values', "a: 'it''s'\nb: \"x y\"\nc: '1.0'\n"],
    ['numbers and booleans', 'a: 8.10\nb: -3\nc: 1e3\nd: true\ne: ~\n'],
    ['comments after values', 'a: b # note\nc:   # nothing\nd: [x, y] # list\n'],
    ["a list at the key's indent", 'a:\n- x\n- y\nb: 1\n'],
    ['a flow list with spacing', 'a: [ x ,  y ]\nb: []\n'],
    ['nested lists of mappings', 'P:\n  - a: 1\n    b:\n      - c\n      - d\n  -   e: 2\n'],
  ])('agrees with the yaml package on %s', (_case, text) => {
    const { simple, full } = both(text);
    expect(simple).toBeDefined();
    expect(simple).toEqual(full);
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['an escape', 'a: "x\\ty"\n'],
    ['a tab', 'a:\t1\n'],
    ['a flow mapping', 'a: {b: 1}\n'],
    ['a quoted key', '"a": 1\n'],
    ['a document marker', '---\na: 1\n'],
    ['a syntax error', 'a: [x\n'],
    ['a colon in a plain value', 'a: b: c\n'],
    ['a nested flow list', 'a: [[x]]\n'],
    ['an empty file', ''],
    ['CRLF line ends', 'a: 1\r\n'],
  ])('leaves %s to the yaml package', (_case, text) => {
    expect(parseSimpleYaml(text, new LineCounter())).toBeUndefined();
  });
});
