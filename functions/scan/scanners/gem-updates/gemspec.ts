/** A gem as its installed specification names it. */
export interface GemSpec {
  name: string;
  version: string;
  /** `x86_64-linux`, `java`…; absent for pure-Ruby gems. */
  platform?: string;
}

/**
 * Name, version and platform of an installed gem from its specification file: the
 * `s.name = "…"` and `s.version = "…"` lines when the text has them (`.freeze` allowed), else
 * the file name `name-version[-platform].gemspec`, whose version is the first `-`-separated part
 * that starts with a digit (gem names may hold `-`: `net-http-0.4.1`). `null` when neither tells.
 * @see https://guides.rubygems.org/specification-reference/
 */
export function parseGemspec(fileName: string, text: string | null): GemSpec | null {
  const fromName = parseFileName(fileName);
  const name = text ? stringAttribute(text, 'name') : null;
  const version = text ? (stringAttribute(text, 'version') ?? versionCall(text)) : null;
  const platform = text ? stringAttribute(text, 'platform') : null;
  const resolvedName = name ?? fromName?.name;
  const resolvedVersion = version ?? fromName?.version;
  if (!resolvedName || !resolvedVersion) return null;
  const resolvedPlatform = platform && platform !== 'ruby' ? platform : fromName?.platform;
  return { name: resolvedName, version: resolvedVersion, ...(resolvedPlatform ? { platform: resolvedPlatform } : {}) };
}

function parseFileName(fileName: string): GemSpec | null {
  const stem = fileName.replace(/\.gemspec$/, '');
  const parts = stem.split('-');
  const at = parts.findIndex((part, index) => index > 0 && /^\d/.test(part));
  if (at < 1) return null;
  const platform = parts.slice(at + 1).join('-');
  return { name: parts.slice(0, at).join('-'), version: parts[at]!, ...(platform ? { platform } : {}) };
}

function stringAttribute(text: string, attribute: string): string | null {
  const match = new RegExp(`^\\s*\\w+\\.${attribute}\\s*=\\s*(["'])([^"']+)\\1(?:\\.freeze)?\\s*$`, 'm').exec(text);
  return match ? match[2]! : null;
}

/** `s.version = Gem::Version.new("1.2.3")`, the other way gemspecs spell it. */
function versionCall(text: string): string | null {
  const match = /^\s*\w+\.version\s*=\s*Gem::Version\.new\(\s*(["'])([^"']+)\1\s*\)/m.exec(text);
  return match ? match[2]! : null;
}
