import { hostAccessProblem, hostMountProblem } from './host-access';

describe('hostMountProblem', () => {
  it.each([
    [
      'a bind of the context',
      'FROM scratch\nRUN --mount=type=bind,source=link,target=/m cat /m\n',
      'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY',
    ],
    [
      'a mount without a type (bind by default)',
      'FROM scratch\nRUN --mount=target=/m,source=. ls /m\n',
      'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY',
    ],
    [
      'a bind of another stage',
      'FROM a AS one\nFROM scratch\nRUN --mount=type=bind,from=one,source=lnk,target=/m cat /m\n',
      'Dockerfile line 3: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY',
    ],
    [
      'a cache from another stage',
      'FROM a AS one\nFROM scratch\nRUN --mount=type=cache,from=one,source=dl,target=/m cat /m\n',
      'Dockerfile line 3: RUN --mount type=cache with from= is not allowed (it shows host files through symlinks); use COPY',
    ],
    [
      'upper-case words',
      'FROM scratch\nRUN --mount=TYPE=BIND,target=/m true\n',
      'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY',
    ],
    [
      'an unknown type',
      'FROM scratch\nRUN --mount=type=volume,target=/m true\n',
      'Dockerfile line 2: RUN --mount type=volume is not allowed (it shows host files through symlinks); use COPY',
    ],
    [
      'an ONBUILD trigger',
      'FROM scratch\nONBUILD RUN --mount=type=bind,target=/m true\n',
      'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY',
    ],
    [
      'the second of two mounts',
      'FROM scratch\nRUN --mount=type=tmpfs,target=/t --mount=type=bind,target=/m true\n',
      'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY',
    ],
    [
      'a cache id that climbs out of the cache folder',
      'FROM scratch\nRUN --mount=type=cache,id=../../../etc,target=/h true\n',
      'Dockerfile line 2: RUN --mount type=cache with id=../../../etc is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)',
    ],
    [
      'a cache id in quotes',
      'FROM scratch\nRUN --mount=type=cache,"id=../..",target=/h true\n',
      'Dockerfile line 2: RUN --mount type=cache with id=../.. is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)',
    ],
    [
      'a whole mount in quotes',
      'FROM scratch\nRUN --mount="type=cache,id=a/../..,target=/h" true\n',
      'Dockerfile line 2: RUN --mount type=cache with id=a/../.. is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)',
    ],
    [
      'a cache id with backslash escapes',
      'FROM scratch\nRUN --mount=type=cache,id=\\.\\./x,target=/h true\n',
      'Dockerfile line 2: RUN --mount type=cache with id=../x is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)',
    ],
    [
      'an absolute cache source',
      'FROM scratch\nRUN --mount=type=cache,src=/etc,target=/h true\n',
      'Dockerfile line 2: RUN --mount type=cache with src=/etc is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)',
    ],
    [
      'the cache folder itself',
      'FROM scratch\nRUN --mount=type=cache,id=.,target=/h true\n',
      'Dockerfile line 2: RUN --mount type=cache with id=. is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)',
    ],
    [
      'a climbing id before a harmless one',
      'FROM scratch\nRUN --mount=type=cache,id=../..,target=/h,id=ok true\n',
      'Dockerfile line 2: RUN --mount type=cache with id=../.. is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)',
    ],
    [
      'a variable in a mount (buildah expands ARGs there)',
      'FROM scratch\nRUN --mount=type=cache,${K},target=/h true\n',
      'Dockerfile line 2: RUN --mount with a variable is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)',
    ],
  ])('refuses %s', (_case, text, reason) => {
    expect(hostMountProblem(text, 'Dockerfile')).toEqual(reason);
  });

  it.each([
    ['no mounts', 'FROM scratch\nRUN true\nCOPY . /src\n'],
    ['a cache of its own', 'FROM scratch\nRUN --mount=type=cache,target=/root/.cache pip install x\n'],
    ['a named cache', 'FROM scratch\nRUN --mount="type=cache,id=pip-wheels/v1.2,target=/root/.cache" pip install x\n'],
    ['a tmpfs', 'FROM scratch\nRUN --mount=type=tmpfs,target=/tmp true\n'],
    ['a secret (ccp passes none)', 'FROM scratch\nRUN --mount=type=secret,id=x cat /run/secrets/x\n'],
    ['a text that is no Dockerfile', 'hello\n'],
  ])('accepts %s', (_case, text) => {
    expect(hostMountProblem(text, 'Dockerfile')).toEqual(null);
  });
});

describe('hostAccessProblem', () => {
  const transport = (line: number, where: string, name: string): string =>
    `Dockerfile line ${line}: ${where} names the ${name}: transport, which reads the build host; name an image in a registry`;

  it.each([
    ['a FROM of a host archive', 'FROM oci-archive:/var/tmp/x.tar\n', transport(1, 'FROM', 'oci-archive')],
    ['a FROM of the local image storage', 'FROM containers-storage:other/secret:latest\n', transport(1, 'FROM', 'containers-storage')],
    ['a FROM with a platform flag', 'FROM --platform=linux/amd64 DIR:/srv/image\n', transport(1, 'FROM', 'dir')],
    ['a COPY --from of a host archive', 'FROM scratch\nCOPY --from=docker-archive:/x.tar /a /b\n', transport(2, 'COPY --from', 'docker-archive')],
    ['an ARG default used by FROM', 'ARG B="oci-archive:/x.tar"\nFROM ${B}\n', transport(1, 'ARG', 'oci-archive')],
    ['a transport spelled through an ARG in FROM', 'ARG T=oci\nFROM ${T}-archive:/host/file.tar\n', transport(2, 'FROM', 'oci-archive')],
    ['a transport through a bare $VAR', 'ARG T=oci-archive\nFROM $T:/host/file.tar\n', transport(2, 'FROM', 'oci-archive')],
    [
      'a transport through a default in COPY --from',
      'FROM scratch\nCOPY --from=${S:-containers}-storage:other/image /a /b\n',
      transport(2, 'COPY --from', 'containers-storage'),
    ],
    ['a transport through nested variables', 'ARG A=docker\nARG B=${A}-archive\nFROM ${B}:/x.tar\n', transport(3, 'FROM', 'docker-archive')],
    ['a variable default in FROM itself', 'FROM ${B:-oci:/srv/layout}\n', transport(1, 'FROM', 'oci')],
    ['an ENV value used by COPY --from', 'FROM scratch\nENV S=docker-daemon:x:latest\nCOPY --from=$S /a /b\n', transport(2, 'ENV', 'docker-daemon')],
    [
      'a bind mount first',
      'FROM oci:/x\nRUN --mount=target=/m true\n',
      'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY',
    ],
  ])('refuses %s', (_case, text, reason) => {
    expect(hostAccessProblem(text, 'Dockerfile')).toEqual(reason);
  });

  it.each([
    ['registry images, tags that look like transports', 'FROM centos:7\nFROM quay.io/dir:1\nFROM my-dir:latest\nFROM docker.io/library/oci:2\n'],
    ['a docker:// reference (a registry)', 'FROM docker://quay.io/x/y:1\n'],
    ['stages and ordinary ARG and ENV values', 'ARG V=1\nFROM scratch AS one\nFROM scratch\nENV PATH=/usr/bin:/bin MODE=dir\nCOPY --from=one /a /b\n'],
  ])('accepts %s', (_case, text) => {
    expect(hostAccessProblem(text, 'Dockerfile')).toEqual(null);
  });
});
