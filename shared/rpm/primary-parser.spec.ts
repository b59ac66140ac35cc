import { parsePrimary, PrimaryParser, PrimaryXmlError, PRIMARY_LIMITS, type PrimaryXmlProblem, type RepoPackage } from './primary-parser';

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm">';
const document = (...packages: string[]): string => `${HEAD}${packages.join('\n')}</metadata>`;
const BASH: RepoPackage = { name: 'bash', arch: 'x86_64', epoch: 0, version: '5.1.8', release: '6.el9' };

function problemOf(read: () => unknown): { problem: PrimaryXmlProblem; message: string } | 'no error' {
  try {
    read();
  } catch (error) {
    if (error instanceof PrimaryXmlError) return { problem: error.problem, message: error.message };
    throw error;
  }
  return 'no error';
}

describe('PrimaryParser reads XML as XML', () => {
  it.each<[string, string, RepoPackage[]]>([
    [
      'CDATA in name and arch',
      '<package type="rpm"><name><![CDATA[bash]]></name><arch>x86<![CDATA[_64]]></arch><version epoch="0" ver="5.1.8" rel="6.el9"/></package>',
      [BASH],
    ],
    [
      'entities, named and numeric',
      '<package type="rpm"><name>libstdc&#43;&#x2b;&amp;co</name><arch>noarch</arch><version epoch="0" ver="1&lt;2" rel="&quot;x&apos;"/></package>',
      [{ name: 'libstdc++&co', arch: 'noarch', epoch: 0, version: '1<2', release: '"x\'' }],
    ],
    [
      'version attributes in any order, single quotes',
      "<package type='rpm'><arch>x86_64</arch><version rel='6.el9' ver='5.1.8' epoch='0'/><name>bash</name></package>",
      [BASH],
    ],
    [
      'whitespace between attributes and around "="',
      '<package\n type = "rpm" ><name>bash</name><arch>x86_64</arch><version\n\tepoch = "0"\n ver="5.1.8"  rel="6.el9" /></package>',
      [BASH],
    ],
    [
      'rpm: elements named like the fields do not count',
      '<package type="rpm"><format><rpm:name>evil</rpm:name></format><rpm:name>evil</rpm:name><name>bash</name><arch>x86_64</arch><version epoch="0" ver="5.1.8" rel="6.el9"/></package>',
      [BASH],
    ],
    [
      'the namespace, not the prefix, decides',
      '<c:package xmlns:c="http://linux.duke.edu/metadata/common" type="rpm"><c:name>bash</c:name><c:arch>x86_64</c:arch><c:version epoch="0" ver="5.1.8" rel="6.el9"/></c:package>',
      [BASH],
    ],
    [
      'a package in a foreign namespace is not a package',
      '<package xmlns="urn:other" type="rpm"><name>bash</name><arch>x86_64</arch><version epoch="0" ver="5.1.8" rel="6.el9"/></package>',
      [],
    ],
    [
      'comments and processing instructions are skipped',
      '<!-- <package><name>no</name></package> --><?pi <name>no</name>?><package type="rpm"><name>bash</name><arch>x86_64</arch><version epoch="0" ver="5.1.8" rel="6.el9"/></package>',
      [BASH],
    ],
    ['a missing epoch reads as 0, a missing type as rpm', '<package><name>bash</name><arch>x86_64</arch><version ver="5.1.8" rel="6.el9"/></package>', [BASH]],
    [
      'non-rpm packages and packages without name are skipped',
      '<package type="deb"><name>x</name><arch>a</arch><version ver="1" rel="1"/></package><package type="rpm"><name/><arch>a</arch><version ver="1" rel="1"/></package>',
      [],
    ],
  ])('%s', (_title, packages, expected) => {
    expect(parsePrimary(document(packages))).toEqual(expected);
  });

  it.each([1, 3, 4096])('reads CDATA and entities split across chunks of %d characters', (size) => {
    const xml = document('<package type="rpm"><name><![CDATA[ba]]>&#115;h</name><arch>x86_64</arch><version epoch="0" ver="5.1.8" rel="6.el9"/></package>');
    const parser = new PrimaryParser();
    for (let i = 0; i < xml.length; i += size) parser.push(xml.slice(i, i + size));
    parser.end();
    expect(parser.packages).toEqual([BASH]);
  });
});

describe('PrimaryParser refuses what is not a primary.xml', () => {
  const deep = `${HEAD}${'<a>'.repeat(PRIMARY_LIMITS.maxDepth)}`;
  const longText = `${HEAD}<package><description>${'x'.repeat(PRIMARY_LIMITS.maxTextChars + 1)}</description></package></metadata>`;
  const longAttribute = `${HEAD}<package type="${'r'.repeat(PRIMARY_LIMITS.maxTextChars + 1)}"></package></metadata>`;
  const longCdata = `${HEAD}<package><name><![CDATA[${'n'.repeat(PRIMARY_LIMITS.maxTextChars / 2)}]]><![CDATA[${'n'.repeat(PRIMARY_LIMITS.maxTextChars / 2 + 1)}]]></name></package></metadata>`;
  const manyAttributes = `${HEAD}<package ${Array.from({ length: PRIMARY_LIMITS.maxAttributes + 1 }, (_, i) => `a${i}="1"`).join(' ')}/></metadata>`;

  it.each<[string, string, PrimaryXmlProblem, string]>([
    [
      'a document cut off inside a package',
      document('<package type="rpm"><name>bash</name>').slice(0, -'</metadata>'.length),
      'truncated',
      'unclosed tag: package',
    ],
    [
      'a close tag that does not match, with its position',
      `${HEAD}\n<package><name>bash</arch>`,
      'syntax',
      'primary.xml: line 3 column 26: unexpected close tag',
    ],
    ['an empty document', '', 'truncated', 'document must contain a root element'],
    ['mismatched tags', document('<package><name>bash</arch></package>'), 'syntax', 'unexpected close tag'],
    ['an undefined entity', document('<package><name>&bogus;</name></package>'), 'syntax', 'undefined entity'],
    ['elements nested past the limit', deep, 'depth', `elements nested deeper than ${PRIMARY_LIMITS.maxDepth}`],
    ['a text node past the limit, in one piece', longText, 'text-size', `longer than ${PRIMARY_LIMITS.maxTextChars} characters`],
    ['an attribute value past the limit', longAttribute, 'text-size', `longer than ${PRIMARY_LIMITS.maxTextChars} characters`],
    ['a name assembled from CDATA sections past the limit', longCdata, 'text-size', `a <name> longer than ${PRIMARY_LIMITS.maxTextChars} characters`],
    ['an element with too many attributes', manyAttributes, 'attributes', `more than ${PRIMARY_LIMITS.maxAttributes} attributes on one element`],
  ])('%s', (_title, xml, problem, message) => {
    const result = problemOf(() => parsePrimary(xml));
    expect(result).toEqual({ problem, message: expect.stringContaining(message) as string });
  });

  it('stops at the package limit', () => {
    const parser = new PrimaryParser();
    const one = '<package><name>p</name><arch>noarch</arch><version ver="1" rel="1"/></package>';
    parser.push(HEAD);
    // Filling the list directly stands in for a million packages of input.
    const filler: RepoPackage = { name: 'p', arch: 'noarch', epoch: 0, version: '1', release: '1' };
    for (let i = 0; i < PRIMARY_LIMITS.maxPackages; i++) parser.packages.push(filler);
    expect(problemOf(() => parser.push(one))).toEqual({
      problem: 'packages',
      message: expect.stringContaining(`more than ${PRIMARY_LIMITS.maxPackages} packages`) as string,
    });
  });

  it('keeps refusing after the first error', () => {
    const parser = new PrimaryParser();
    expect(problemOf(() => parser.push(`${HEAD}</oops>`))).toEqual({ problem: 'syntax', message: expect.stringContaining('unexpected close tag') as string });
    expect(problemOf(() => parser.push('<package/>'))).toEqual({ problem: 'syntax', message: expect.stringContaining('unexpected close tag') as string });
  });

  it('bounds a text node while it is still arriving, before its end is seen', () => {
    const parser = new PrimaryParser();
    parser.push(`${HEAD}<package><description>`);
    const piece = 'y'.repeat(PRIMARY_LIMITS.maxTextChars / 4);
    const pushes = [1, 2, 3, 4, 5, 6].map(() => problemOf(() => parser.push(piece)));
    expect(pushes.findIndex((result) => result !== 'no error')).toBe(4);
  });
});
