import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { Evr } from './rpmvercmp';

/** One package of a repository's primary metadata. */
export interface RepoPackage extends Evr {
  name: string;
  arch: string;
}

/** What stopped reading a primary.xml. */
export type PrimaryXmlProblem = 'syntax' | 'truncated' | 'depth' | 'text-size' | 'attributes' | 'packages';

/**
 * A primary.xml that is not well-formed XML, ends early, or exceeds one of
 * {@link PRIMARY_LIMITS}; `problem` says which, the message says where.
 */
export class PrimaryXmlError extends Error {
  override readonly name = 'PrimaryXmlError';
  constructor(
    readonly problem: PrimaryXmlProblem,
    message: string,
  ) {
    super(`primary.xml: ${message}`);
  }
}

/**
 * Bounds on what one primary.xml may make the reader hold. createrepo_c nests five deep
 * (metadata/package/format/rpm:requires/rpm:entry), writes a few hundred attributes per
 * element at most, and the biggest descriptions are some KB; Fedora's largest repository has
 * under 100,000 packages. Past these the input is not metadata but an attack on the reader.
 */
export const PRIMARY_LIMITS = {
  /** Elements open at once. */
  maxDepth: 64,
  /** Characters of one text node, CDATA section, comment, attribute value or name. */
  maxTextChars: 1 << 20,
  /** Attributes of one element. */
  maxAttributes: 1_000,
  /** `<package>` elements read. */
  maxPackages: 1_000_000,
} as const;

/** createrepo_c's default namespace for primary.xml's own elements. */
const COMMON_NS = 'http://linux.duke.edu/metadata/common';

/**
 * The parser is fed at most this many characters at a time, so a text node or attribute
 * growing past {@link PRIMARY_LIMITS.maxTextChars} is caught within this many characters.
 */
const WRITE_SLICE = 1 << 16;

/**
 * A copy of `text` that does not point into the chunk it was cut from. V8 represents a slice
 * of 13 or more characters as a view of its parent string, so a package name kept as saxes
 * hands it over would keep the whole 64 KB chunk alive, and the package list the whole
 * document; concatenating flattens into a new string, and the slice then views only that.
 */
function detached(text: string): string {
  return ` ${text}`.slice(1);
}

/** The package being read. */
interface OpenPackage {
  depth: number;
  uri: string;
  rpm: boolean;
  name: string | null;
  arch: string | null;
  version: Record<string, string> | null;
}

/**
 * saxes accumulates the current text node, CDATA section, comment or attribute value in
 * `text` and the current element or attribute name in `name` (saxes 6.0.0, pinned): the
 * parser reads their lengths after each write to bound them, since saxes has no limit of its own.
 */
interface SaxesBuffers {
  text: string;
  name: string;
}

/**
 * Reads `<package>` elements out of a `primary.xml` fed in chunks, with a streaming XML parser
 * (saxes: well-formedness, CDATA, entities, namespaces), keeping only the package being read:
 * `name`, `arch` and the `version` attributes of each `<package type="rpm">`. Throws
 * {@link PrimaryXmlError} on malformed XML and on input past {@link PRIMARY_LIMITS}.
 * @see https://github.com/rpm-software-management/createrepo_c/blob/master/src/xml_dump_primary.c
 * @see https://github.com/lddubeau/saxes#readme
 */
export class PrimaryParser {
  readonly packages: RepoPackage[] = [];
  private readonly sax = new SaxesParser({ xmlns: true });
  private depth = 0;
  private attributes = 0;
  private current: OpenPackage | null = null;
  /** The child of the current package whose text is being read, and that text so far. */
  private capture: { field: 'name' | 'arch'; text: string } | null = null;
  private failure: PrimaryXmlError | null = null;

  constructor() {
    const sax = this.sax;
    sax.on('opentagstart', () => {
      this.attributes = 0;
    });
    sax.on('attribute', (attribute) => {
      if (++this.attributes > PRIMARY_LIMITS.maxAttributes)
        throw this.fail('attributes', `more than ${PRIMARY_LIMITS.maxAttributes} attributes on one element`);
      if (attribute.value.length > PRIMARY_LIMITS.maxTextChars) throw this.tooLong('an attribute value');
    });
    sax.on('opentag', (tag) => this.open(tag));
    sax.on('closetag', (tag) => this.close(tag));
    sax.on('text', (text) => this.append(text));
    sax.on('cdata', (text) => this.append(text));
  }

  /** Feeds the next piece of decompressed XML. */
  push(chunk: string): void {
    if (this.failure) throw this.failure;
    for (let start = 0; start < chunk.length; start += WRITE_SLICE) {
      this.write(() => this.sax.write(chunk.length <= WRITE_SLICE ? chunk : chunk.slice(start, start + WRITE_SLICE)));
      const buffers = this.sax as unknown as SaxesBuffers;
      if (buffers.text.length > PRIMARY_LIMITS.maxTextChars || buffers.name.length > PRIMARY_LIMITS.maxTextChars) {
        throw this.tooLong('a text node, attribute or name');
      }
    }
  }

  /**
   * Ends the document: throws {@link PrimaryXmlError} (`truncated`) when it stopped before
   * its root element closed, so a cut-off primary.xml is not read as a smaller repository.
   */
  end(): void {
    if (this.failure) throw this.failure;
    this.write(() => this.sax.close(), 'truncated');
  }

  private write(step: () => void, problem: PrimaryXmlProblem = 'syntax'): void {
    try {
      step();
    } catch (error) {
      if (error instanceof PrimaryXmlError) throw error;
      // saxes' messages start with its position, "LINE:COLUMN: …".
      throw this.fail(problem, (error as Error).message.replace(/^(?:undefined:)?(\d+):(\d+): /, 'line $1 column $2: '));
    }
  }

  private fail(problem: PrimaryXmlProblem, message: string): PrimaryXmlError {
    this.failure ??= new PrimaryXmlError(problem, problem === 'syntax' || problem === 'truncated' ? message : `line ${this.sax.line}: ${message}`);
    return this.failure;
  }

  private tooLong(what: string): PrimaryXmlError {
    return this.fail('text-size', `${what} longer than ${PRIMARY_LIMITS.maxTextChars} characters`);
  }

  private open(tag: SaxesTagNS): void {
    if (++this.depth > PRIMARY_LIMITS.maxDepth) throw this.fail('depth', `elements nested deeper than ${PRIMARY_LIMITS.maxDepth}`);
    const current = this.current;
    if (!current) {
      if (tag.local === 'package' && (tag.uri === COMMON_NS || tag.uri === '')) {
        const type = tag.attributes.type?.value;
        this.current = { depth: this.depth, uri: tag.uri, rpm: !type || type === 'rpm', name: null, arch: null, version: null };
      }
      return;
    }
    if (this.depth !== current.depth + 1 || tag.uri !== current.uri) return;
    if ((tag.local === 'name' || tag.local === 'arch') && current[tag.local] === null) this.capture = { field: tag.local, text: '' };
    else if (tag.local === 'version' && current.version === null) {
      current.version = {};
      for (const attribute of Object.values(tag.attributes)) if (attribute.uri === '') current.version[attribute.local] = attribute.value;
    }
  }

  private append(text: string): void {
    if (text.length > PRIMARY_LIMITS.maxTextChars) throw this.tooLong('a text node or CDATA section');
    if (!this.capture) return;
    this.capture.text += text;
    if (this.capture.text.length > PRIMARY_LIMITS.maxTextChars) throw this.tooLong(`a <${this.capture.field}>`);
  }

  private close(_tag: SaxesTagNS): void {
    const current = this.current;
    const depth = this.depth--;
    if (!current) return;
    if (this.capture && depth === current.depth + 1) {
      current[this.capture.field] = this.capture.text;
      this.capture = null;
    } else if (depth === current.depth) {
      this.current = null;
      if (!current.rpm || !current.name || !current.arch || !current.version) return;
      if (this.packages.length >= PRIMARY_LIMITS.maxPackages) throw this.fail('packages', `more than ${PRIMARY_LIMITS.maxPackages} packages`);
      const { epoch, ver, rel } = current.version;
      this.packages.push({
        name: detached(current.name),
        arch: detached(current.arch),
        epoch: Number(epoch ?? 0) || 0,
        version: detached(ver ?? ''),
        release: detached(rel ?? ''),
      });
    }
  }
}

/**
 * Parses a whole primary.xml string; for tests and small repositories. Throws
 * {@link PrimaryXmlError} when it is malformed, cut off or past {@link PRIMARY_LIMITS}.
 * @see https://github.com/rpm-software-management/createrepo_c/blob/master/src/xml_dump_primary.c
 */
export function parsePrimary(xml: string): RepoPackage[] {
  const parser = new PrimaryParser();
  parser.push(xml);
  parser.end();
  return parser.packages;
}
