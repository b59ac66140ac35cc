/** An OSV record that does not follow the schema where ccp reads it; the database load skips it and counts it. */
export class OsvRecordError extends Error {
  override readonly name = 'OsvRecordError';
  constructor(
    /** The zip entry the record came from. */
    readonly entry: string,
    reason: string,
  ) {
    super(`${entry}: ${reason}`);
  }
}

/** An export zip that is not a zip, or is larger than the limits allow (a zip bomb, a wrong URL). */
export class OsvArchiveError extends Error {
  override readonly name = 'OsvArchiveError';
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`${source}: ${reason}`);
  }
}

/** No configured mirror answered for an ecosystem. */
export class OsvFetchError extends Error {
  override readonly name = 'OsvFetchError';
  constructor(
    readonly ecosystem: string,
    reason: string,
  ) {
    super(`OSV ${ecosystem}: ${reason}`);
  }
}
