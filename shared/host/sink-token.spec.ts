import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sinkAuthorization } from './sink-token';

describe('sinkAuthorization', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ccp-sink-token-'));
  writeFileSync(path.join(dir, 'token'), 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n');
  writeFileSync(path.join(dir, 'empty'), '\n');

  it.each([
    ['a mounted token', 'token', { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }],
    ['no token file (sender identity off)', 'absent', {}],
    ['an empty file', 'empty', {}],
  ])('%s', async (_case, file, expected) => {
    expect(await sinkAuthorization({ CCP_SINK_TOKEN_FILE: path.join(dir, file) })).toEqual(expected);
  });
});
