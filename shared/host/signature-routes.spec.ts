import { rm } from 'node:fs/promises';
import express from 'express';
import { TempObjectStore } from '../store/__fixtures__/temp-store';
import { listen, type RunningServer } from './listen';
import { signatureRoutes } from './signature-routes';

const HEX = 'ab'.repeat(32);
const SIGNATURE = Buffer.from([0xa3, 0x01, 0x5b, 0x00, 0xff]);

describe('the signature lookaside routes', () => {
  let store: TempObjectStore;
  let server: RunningServer;

  beforeAll(async () => {
    store = new TempObjectStore();
    await store.put(`sigstore/team/web@sha256=${HEX}/signature-1`, SIGNATURE);
    await store.put('state/builds/team/web/latest/b1.json', '{"secret":true}');
    await store.put('sigstore/team/web/notes.txt', 'not a signature');
    server = await listen(express().use(signatureRoutes(store)));
  });
  afterAll(async () => {
    await server.close();
    await rm(store.inner.root, { recursive: true, force: true });
  });

  it('serves a stored signature as bytes, by the path containers/image asks for', async () => {
    const response = await fetch(`${server.url}/sigstore/team/web@sha256=${HEX}/signature-1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(SIGNATURE);
  });

  it('decodes a percent-encoded path as Go clients may send it', async () => {
    const response = await fetch(`${server.url}/sigstore/team/web%40sha256%3D${HEX}/signature-1`);
    expect(response.status).toBe(200);
  });

  it.each([
    ['a signature that is not there', `/sigstore/team/web@sha256=${'cd'.repeat(32)}/signature-1`, 404],
    ['a second signature that is not there', `/sigstore/team/web@sha256=${HEX}/signature-2`, 404],
    ['another file under sigstore/', '/sigstore/team/web/notes.txt', 404],
    ['a way out of sigstore/', '/sigstore/..%2Fstate/builds/team/web/latest/b1.json', 404],
    ['a malformed percent-encoding', '/sigstore/team/web%E0%A4%A/signature-1', 400],
  ])('answers %s (%s) with %i', async (_what, urlPath, status) => {
    const response = await fetch(`${server.url}${urlPath}`);
    expect(response.status).toBe(status);
    expect(await response.text()).not.toContain('secret');
  });

  it('refuses writes', async () => {
    const response = await fetch(`${server.url}/sigstore/team/web@sha256=${HEX}/signature-1`, { method: 'PUT', body: 'forged' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});
