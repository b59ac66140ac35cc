import { parseDependencyRef } from './dependency-ref';

describe('parseDependencyRef', () => {
  it.each([
    ['centos/centos:7', { kind: 'index', name: 'centos/centos:7', tagDefaulted: false }],
    ['centos/centos', { kind: 'index', name: 'centos/centos:latest', tagDefaulted: true }],
    [' che-stacks/centos-jdk8:latest ', { kind: 'index', name: 'che-stacks/centos-jdk8:latest', tagDefaulted: false }],
    ['registry.centos.org/centos/centos:7', { kind: 'external', name: 'registry.centos.org/centos/centos:7' }],
    ['localhost:5000/ns/app:1', { kind: 'external', name: 'localhost:5000/ns/app:1' }],
    ['localhost/ns/app', { kind: 'external', name: 'localhost/ns/app' }],
    [`quay.io/a/b@sha256:${'a'.repeat(64)}`, { kind: 'external', name: `quay.io/a/b@sha256:${'a'.repeat(64)}` }],
  ])('reads %s', (text, expected) => {
    expect(parseDependencyRef(text)).toEqual(expected);
  });

  it.each([['centos:7'], ['centos'], ['a/b@sha256:abc'], ['not an image'], ['']])('rejects %j', (text) => {
    expect(parseDependencyRef(text)).toBeNull();
  });
});
