import { baseImagesOf, fromImagesOf, indexImageOf } from './from-parents';

const REGISTRY = '127.0.0.1:5000';

describe('fromImagesOf', () => {
  it.each([
    ['one FROM', 'FROM centos/centos:7\nRUN true\n', ['centos/centos:7']],
    [
      'multi-stage, each stage',
      'FROM golang:1.21 AS build\nRUN go build\nFROM centos/centos:7\nCOPY --from=build /app /app\n',
      ['golang:1.21', 'centos/centos:7'],
    ],
    ['a stage alias is no image', 'FROM sample/base AS base\nFROM base\nRUN true\n', ['sample/base']],
    ['a stage alias in another case', 'FROM sample/base AS Builder\nFROM builder\n', ['sample/base']],
    ['a later stage name is still an image', 'FROM base\nFROM sample/x AS base\n', ['base', 'sample/x']],
    ['scratch', 'FROM scratch\nCOPY rootfs /\n', []],
    ['SCRATCH in capitals', 'FROM SCRATCH\n', []],
    ['a digest pin', 'FROM centos/centos:7@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n', []],
    ['an ARG default', 'ARG BASE=centos/centos\nARG TAG=7\nFROM ${BASE}:$TAG\n', ['centos/centos:7']],
    ['an ARG built from another', 'ARG NS=sample\nARG IMAGE=${NS}/base\nFROM $IMAGE\n', ['sample/base']],
    ['${X:-word} without a default', 'ARG TAG\nFROM centos/centos:${TAG:-8}\n', ['centos/centos:8']],
    ['${X:-word} with a default', 'ARG TAG=9\nFROM centos/centos:${TAG:-8}\n', ['centos/centos:9']],
    ['${X:+word}', 'ARG SUFFIX=1\nFROM centos/centos:7${SUFFIX:+-minimal}\n', ['centos/centos:7-minimal']],
    ['an ARG without a default is skipped', 'ARG TAG\nFROM centos/centos:$TAG\nFROM sample/base\n', ['sample/base']],
    ['an ARG declared after the first FROM does not apply', 'FROM sample/base\nARG TAG=7\nFROM centos/centos:$TAG\n', ['sample/base']],
    ['an ARG that pins a digest', 'ARG DIGEST=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nFROM centos/centos@${DIGEST}\n', []],
    [
      '--platform',
      'FROM --platform=$BUILDPLATFORM sample/base:1 AS build\nFROM --platform=linux/amd64 centos/centos:7\n',
      ['sample/base:1', 'centos/centos:7'],
    ],
    ['the same image twice', 'FROM sample/base AS a\nFROM sample/base AS b\n', ['sample/base']],
    ['no FROM at all', 'RUN true\n', []],
    ['a line continuation', 'FROM \\\n  sample/base:2\n', ['sample/base:2']],
  ])('%s', (_name, dockerfile, expected) => {
    expect(fromImagesOf(dockerfile)).toEqual(expected);
  });
});

describe('indexImageOf', () => {
  it.each([
    ['no registry, namespaced', 'centos/centos:7', 'centos/centos:7'],
    ['no tag: latest', 'sample/base', 'sample/base:latest'],
    ['one part: the library app', 'centos:7', 'library/centos:7'],
    ['library spelled out', 'library/centos:7', 'library/centos:7'],
    ['a nested job id', 'sample/tools/cli:1', 'sample/tools/cli:1'],
    ['the pipeline registry', `${REGISTRY}/sample/base:2`, 'sample/base:2'],
    ['the pipeline registry, library image', `${REGISTRY}/centos:7`, 'library/centos:7'],
    ['the seed registry', 'registry.centos.org/centos/centos:7', 'centos/centos:7'],
    ['the seed registry in capitals', 'Registry.CentOS.org/centos/centos', 'centos/centos:latest'],
    ['another host', 'quay.io/centos/centos:stream9', null],
    ['docker.io is external', 'docker.io/library/centos:7', null],
    ['localhost with a port other than ours', 'localhost:5001/sample/base', null],
    ['another port of our host', '127.0.0.1:5001/sample/base', null],
    ['a digest', 'centos/centos@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', null],
    ['not a name', '"quoted:1"', null],
  ])('%s', (_name, reference, expected) => {
    expect(indexImageOf(reference, { registry: REGISTRY })).toEqual(expected);
  });

  it('treats a host as external when no pipeline registry is configured', () => {
    expect(indexImageOf(`${REGISTRY}/sample/base`)).toBeNull();
    expect(indexImageOf('registry.centos.org/sample/base')).toEqual('sample/base:latest');
  });
});

describe('baseImagesOf', () => {
  it.each([
    [
      'multi-stage with an alias, scratch, an external builder and a pin',
      'ARG REG=registry.centos.org\nFROM quay.io/tools/builder:1 AS build\nFROM scratch AS empty\nFROM ${REG}/centos/centos:7 AS os\nFROM os\nFROM empty\nFROM centos:7@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
      ['centos/centos:7'],
    ],
    [
      'the pipeline registry and a bare name, sorted and once',
      `FROM sample/hello AS a\nFROM ${REGISTRY}/sample/base:latest\nFROM sample/base\n`,
      ['sample/base:latest', 'sample/hello:latest'],
    ],
    ['only external parents', 'FROM docker.io/library/alpine:3\n', []],
  ])('%s', (_name, dockerfile, expected) => {
    expect(baseImagesOf(dockerfile, { registry: REGISTRY })).toEqual(expected);
  });
});
