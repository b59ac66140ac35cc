import { hostMountProblem } from './host-mounts';

describe('hostMountProblem', () => {
  it.each([
    ['a bind of the context', 'FROM scratch\nRUN --mount=type=bind,source=link,target=/m cat /m\n', 'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY'],
    ['a mount without a type (bind by default)', 'FROM scratch\nRUN --mount=target=/m,source=. ls /m\n', 'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY'],
    ['a bind of another stage', 'FROM a AS one\nFROM scratch\nRUN --mount=type=bind,from=one,source=lnk,target=/m cat /m\n', 'Dockerfile line 3: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY'],
    ['a cache from another stage', 'FROM a AS one\nFROM scratch\nRUN --mount=type=cache,from=one,source=dl,target=/m cat /m\n', 'Dockerfile line 3: RUN --mount type=cache with from= is not allowed (it shows host files through symlinks); use COPY'],
    ['upper-case words', 'FROM scratch\nRUN --mount=TYPE=BIND,target=/m true\n', 'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY'],
    ['an unknown type', 'FROM scratch\nRUN --mount=type=volume,target=/m true\n', 'Dockerfile line 2: RUN --mount type=volume is not allowed (it shows host files through symlinks); use COPY'],
    ['an ONBUILD trigger', 'FROM scratch\nONBUILD RUN --mount=type=bind,target=/m true\n', 'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY'],
    ['the second of two mounts', 'FROM scratch\nRUN --mount=type=tmpfs,target=/t --mount=type=bind,target=/m true\n', 'Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY'],
  ])('refuses %s', (_case, text, reason) => {
    expect(hostMountProblem(text, 'Dockerfile')).toEqual(reason);
  });

  it.each([
    ['no mounts', 'FROM scratch\nRUN true\nCOPY . /src\n'],
    ['a cache of its own', 'FROM scratch\nRUN --mount=type=cache,target=/root/.cache pip install x\n'],
    ['a tmpfs', 'FROM scratch\nRUN --mount=type=tmpfs,target=/tmp true\n'],
    ['a secret (ccp passes none)', 'FROM scratch\nRUN --mount=type=secret,id=x cat /run/secrets/x\n'],
    ['a text that is no Dockerfile', 'hello\n'],
  ])('accepts %s', (_case, text) => {
    expect(hostMountProblem(text, 'Dockerfile')).toEqual(null);
  });
});
