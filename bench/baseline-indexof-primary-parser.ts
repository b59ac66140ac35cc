/**
 * BENCH BASELINE ONLY — not used by the pipeline. A frozen copy of the `indexOf` primary.xml
 * reader that shared/rpm/primary-parser.ts had before it became a streaming XML
 * parser (issue #13), kept so `npm run bench -- primary` can report the new parser's cost
 * against it in the same run. It does not check well-formedness, CDATA or namespaces and has
 * no bounds: do not import it outside bench/.
 */
import type { RepoPackage } from '../shared/rpm/primary-parser';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ENTITIES[entity] ?? whole;
  });
}

function element(block: string, tag: string): string | null {
  const open = block.indexOf(`<${tag}>`);
  if (open < 0) return null;
  const close = block.indexOf(`</${tag}>`, open);
  return close < 0 ? null : decode(block.slice(open + tag.length + 2, close));
}

function attribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decode(match[1]) : null;
}

/**
 * Reads `<package>` elements out of a `primary.xml` fed in chunks, without building a DOM: it
 * looks for each `<package` … `</package>` span and takes `name`, `arch` and the `version`
 * attributes from it. The primary of a big repository (tens of MB) is read at the speed of
 * `indexOf`, several times faster than a SAX parser would.
 * @see https://github.com/rpm-software-management/createrepo_c/blob/master/src/xml_dump_primary.c
 */
export class BaselineIndexOfPrimaryParser {
  private buffer = '';
  readonly packages: RepoPackage[] = [];

  /** Feeds the next piece of decompressed XML. */
  push(chunk: string): void {
    this.buffer += chunk;
    let position = 0;
    for (;;) {
      const start = this.buffer.indexOf('<package', position);
      if (start < 0) {
        position = Math.max(position, this.buffer.length - 8);
        break;
      }
      // `<packages …>`, the root element, also starts with `<package`: step over it.
      if (this.buffer.length < start + 9) {
        position = start;
        break;
      }
      if (this.buffer[start + 8] === 's') {
        position = start + 9;
        continue;
      }
      const end = this.buffer.indexOf('</package>', start);
      if (end < 0) {
        position = start;
        break;
      }
      this.take(this.buffer.slice(start, end));
      position = end + 10;
    }
    this.buffer = this.buffer.slice(position);
  }

  private take(block: string): void {
    if (!/^<package[\s>]/.test(block)) return;
    const type = /^<package\s[^>]*type="([^"]*)"/.exec(block)?.[1];
    if (type && type !== 'rpm') return;
    const name = element(block, 'name');
    const arch = element(block, 'arch');
    const versionTag = /<version\s[^>]*>/.exec(block)?.[0];
    if (!name || !arch || !versionTag) return;
    this.packages.push({
      name,
      arch,
      epoch: Number(attribute(versionTag, 'epoch') ?? 0) || 0,
      version: attribute(versionTag, 'ver') ?? '',
      release: attribute(versionTag, 'rel') ?? '',
    });
  }
}
