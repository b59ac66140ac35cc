import { compareKeys } from './key-rules';
import type { ListResult, ObjectInfo } from './types';

/**
 * Applies S3's listing rules to every object whose key starts with `prefix`: with a delimiter,
 * a key that holds the delimiter after the prefix is rolled up into the common prefix ending at
 * that delimiter; everything sorted by UTF-8 bytes.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-prefixes.html
 */
export function groupListing(prefix: string, objects: Iterable<ObjectInfo>, delimiter?: string): ListResult {
  const listed: ObjectInfo[] = [];
  const prefixes = new Set<string>();
  for (const object of objects) {
    if (!object.key.startsWith(prefix)) continue;
    const at = delimiter ? object.key.indexOf(delimiter, prefix.length) : -1;
    if (delimiter && at >= 0) prefixes.add(object.key.slice(0, at + delimiter.length));
    else listed.push(object);
  }
  return {
    objects: listed.sort((a, b) => compareKeys(a.key, b.key)),
    prefixes: [...prefixes].sort(compareKeys),
  };
}
