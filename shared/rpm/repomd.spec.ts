import { parsePrimary } from './primary-parser';
import { PrimaryParser } from './primary-parser';
import { parseMetalink, parseMirrorlist, parseRepomd } from './repomd';

const PRIMARY = `<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="3">
<package type="rpm">
  <name>bash</name>
  <arch>x86_64</arch>
  <version epoch="0" ver="5.1.8" rel="6.el9"/>
  <checksum type="sha256" pkgid="YES">abc</checksum>
  <summary>The GNU Bourne Again shell &amp; more</summary>
  <format><rpm:provides><rpm:entry name="bash" flags="EQ" epoch="0" ver="5.1.8" rel="6.el9"/></rpm:provides></format>
</package>
<package type="rpm">
  <name>libstdc++</name>
  <arch>i686</arch>
  <version epoch="1" ver="11.4.1" rel="2.el9"/>
</package>
<package type="rpm"><name>tzdata</name><arch>noarch</arch><version rel="1.el9" ver="2024a" epoch="0"/></package>
</metadata>`;

const EXPECTED = [
  { name: 'bash', arch: 'x86_64', epoch: 0, version: '5.1.8', release: '6.el9' },
  { name: 'libstdc++', arch: 'i686', epoch: 1, version: '11.4.1', release: '2.el9' },
  { name: 'tzdata', arch: 'noarch', epoch: 0, version: '2024a', release: '1.el9' },
];

describe('PrimaryParser', () => {
  it('reads name, arch and version of every package', () => {
    expect(parsePrimary(PRIMARY)).toEqual(EXPECTED);
  });

  it.each([1, 7, 64, 1000])('gives the same answer fed in chunks of %d characters', (size) => {
    const parser = new PrimaryParser();
    for (let i = 0; i < PRIMARY.length; i += size) parser.push(PRIMARY.slice(i, i + size));
    expect(parser.packages).toEqual(EXPECTED);
  });
});

describe('parseRepomd', () => {
  it('finds the revision and the primary', () => {
    const xml = `<repomd xmlns="http://linux.duke.edu/metadata/repo"><revision>1700000000</revision>
      <data type="filelists"><checksum type="sha256">f</checksum><location href="repodata/f-filelists.xml.gz"/></data>
      <data type="primary"><checksum type="sha256">abc123</checksum><open-checksum type="sha256">def</open-checksum><location href="repodata/abc123-primary.xml.zst"/><size>42</size></data></repomd>`;
    expect(parseRepomd(xml, 'http://r/repodata/repomd.xml')).toEqual({
      revision: '1700000000',
      primary: { href: 'repodata/abc123-primary.xml.zst', checksumType: 'sha256', checksum: 'abc123', size: 42 },
    });
  });

  it('names the URL when there is no primary', () => {
    expect(() => parseRepomd('<repomd></repomd>', 'http://r/repodata/repomd.xml')).toThrow('http://r/repodata/repomd.xml is not a usable repomd.xml');
  });
});

describe('mirror lists', () => {
  it('reads a metalink by preference', () => {
    const xml = `<metalink><files><file name="repomd.xml"><resources maxconnections="1">
      <url protocol="https" type="https" location="US" preference="90">https://b.example/9/BaseOS/x86_64/os/repodata/repomd.xml</url>
      <url protocol="rsync" type="rsync" preference="100">rsync://c.example/x/repodata/repomd.xml</url>
      <url protocol="https" type="https" location="DE" preference="100">https://a.example/9/BaseOS/x86_64/os/repodata/repomd.xml</url>
    </resources></file></files></metalink>`;
    expect(parseMetalink(xml)).toEqual(['https://a.example/9/BaseOS/x86_64/os/', 'https://b.example/9/BaseOS/x86_64/os/']);
  });

  it('reads a mirrorlist', () => {
    expect(parseMirrorlist('# comment\nhttp://a/7/os/x86_64/\n\nhttps://b/7/os/x86_64/\n')).toEqual(['http://a/7/os/x86_64/', 'https://b/7/os/x86_64/']);
  });
});
