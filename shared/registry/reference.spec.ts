import { ValidationError } from '../errors/validation-error';
import { formatImageReference, parseImageReference } from './reference';
import { parseWwwAuthenticate } from './www-authenticate';
import { formatBytes } from './errors';

describe('parseImageReference', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  it.each([
    ['127.0.0.1:5000/ns/name:tag', { registry: '127.0.0.1:5000', repository: 'ns/name', tag: 'tag' }],
    ['127.0.0.1:5000/ns/name', { registry: '127.0.0.1:5000', repository: 'ns/name', tag: 'latest' }],
    [`quay.io/centos/centos@${digest}`, { registry: 'quay.io', repository: 'centos/centos', digest }],
    [`localhost/a/b:1.0@${digest}`, { registry: 'localhost', repository: 'a/b', tag: '1.0', digest }],
    ['ns/name:tag', { registry: 'default:5000', repository: 'ns/name', tag: 'tag' }],
  ])('%s', (text, expected) => {
    expect(parseImageReference(text, 'default:5000')).toEqual(expected);
    expect(parseImageReference(formatImageReference(expected))).toEqual(expected);
  });

  it.each([
    ['ns/name:tag', undefined, 'no registry host'],
    ['r.io/Upper/name', 'x', 'repository name "Upper/name" is not valid'],
    ['r.io/a/b:bad tag', 'x', 'tag bad tag is not valid'],
    ['r.io/a/b@sha256:xyz', 'x', 'digest sha256:xyz is not algorithm:hex'],
  ])('%s is refused', (text, fallback, message) => {
    expect(() => parseImageReference(text, fallback)).toThrow(ValidationError);
    expect(() => parseImageReference(text, fallback)).toThrow(message);
  });
});

describe('parseWwwAuthenticate', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/centos:pull"',
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/centos:pull' } },
    ],
    ['Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
    ['Bearer realm=https://x/token, service=x', { scheme: 'bearer', params: { realm: 'https://x/token', service: 'x' } }],
  ])('%s', (header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});

describe('formatBytes', () => {
  it.each([
    [1.2e9, '1.2 GB'],
    [500e6, '500 MB'],
    [12_345, '12.3 kB'],
    [12, '12 B'],
  ])('%d', (bytes, text) => {
    expect(formatBytes(bytes)).toEqual(text);
  });
});
