/**
 * A primary.xml of `count` packages shaped like createrepo_c's output: namespaces, checksum,
 * summary and description with entities, a `<format>` with rpm:provides/requires entries
 * and files, about 2 KB a package.
 * @see https://github.com/rpm-software-management/createrepo_c/blob/master/src/xml_dump_primary.c
 */
export function syntheticPrimaryXml(count: number): string {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${count}">\n`,
  ];
  for (let i = 0; i < count; i++) {
    const name = `bench-pkg-${i}`;
    const version = `${1 + (i % 7)}.${i % 13}.${i % 3}`;
    const entries = (kind: string, n: number): string =>
      Array.from(
        { length: n },
        (_, j) => `      <rpm:entry name="lib${kind}-${(i + j) % 500}.so.${j}()(64bit)"${j % 2 ? ` flags="GE" epoch="0" ver="${j}.0"` : ''}/>\n`,
      ).join('');
    parts.push(
      `<package type="rpm">\n  <name>${name}</name>\n  <arch>${i % 5 === 0 ? 'noarch' : 'x86_64'}</arch>\n`,
      `  <version epoch="${i % 11 === 0 ? 1 : 0}" ver="${version}" rel="${1 + (i % 4)}.el9"/>\n`,
      `  <checksum type="sha256" pkgid="YES">${i.toString(16).padStart(64, '0')}</checksum>\n`,
      `  <summary>Bench package ${i} &amp; friends</summary>\n`,
      `  <description>Package ${i} of the synthetic primary.xml. It &lt;exists&gt; only to be parsed; the text is as long as a typical description in a distribution repository, a few lines of prose.</description>\n`,
      `  <packager>Bench &lt;bench@example.com&gt;</packager>\n  <url>https://example.com/${name}</url>\n`,
      `  <time file="1700000000" build="1699990000"/>\n  <size package="${10_000 + i}" installed="${40_000 + i}" archive="${41_000 + i}"/>\n`,
      `  <location href="Packages/b/${name}-${version}-1.el9.x86_64.rpm"/>\n  <format>\n`,
      `    <rpm:license>MIT</rpm:license>\n    <rpm:vendor>Bench</rpm:vendor>\n    <rpm:group>Unspecified</rpm:group>\n`,
      `    <rpm:buildhost>builder.example.com</rpm:buildhost>\n    <rpm:sourcerpm>${name}-${version}-1.el9.src.rpm</rpm:sourcerpm>\n`,
      `    <rpm:header-range start="4504" end="${20_000 + i}"/>\n`,
      `    <rpm:provides>\n      <rpm:entry name="${name}" flags="EQ" epoch="0" ver="${version}" rel="1.el9"/>\n${entries('provided', 4)}    </rpm:provides>\n`,
      `    <rpm:requires>\n${entries('required', 8)}    </rpm:requires>\n`,
      `    <file>/usr/bin/${name}</file>\n    <file type="dir">/etc/${name}</file>\n  </format>\n</package>\n`,
    );
  }
  parts.push('</metadata>\n');
  return parts.join('');
}
