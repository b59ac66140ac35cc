/**
 * `Name` and `Version` of a core metadata file (`METADATA`, `PKG-INFO`): RFC 822 style headers
 * up to the first blank line. `null` when either is missing.
 * @see https://packaging.python.org/en/latest/specifications/core-metadata/
 */
export function parseCoreMetadata(text: string): { name: string; version: string } | null {
  let name: string | undefined;
  let version: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    const header = /^([A-Za-z-]+):\s*(.*?)\s*$/.exec(line);
    if (!header) continue;
    const key = header[1]!.toLowerCase();
    if (key === 'name' && name === undefined) name = header[2];
    else if (key === 'version' && version === undefined) version = header[2];
  }
  return name && version ? { name, version } : null;
}
