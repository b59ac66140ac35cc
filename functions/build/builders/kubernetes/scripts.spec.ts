import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startLocalRegistry, type LocalRegistry } from '../../../../shared/registry/local-registry';
import { registriesConf } from '../buildah/registries-conf';
import { fsTree, linksOnDisk } from '../../../../shared/git/inside-checkout';
import { createLocalRepo } from '../../../../shared/git/local-repo';
import { ContainmentFailure, refuseEscapingLinks } from '../../../../shared/dockerfile/contained-paths';
import { hostAccessProblem } from '../../../../shared/dockerfile/host-access';
import { BUILD_REPORT_SCRIPT, BUILD_SCRIPT, CHECKOUT_SCRIPT, PREBUILD_SCRIPT } from './scripts';
import { parseBuildReport } from './complete';
import { baseImageDigests, pipelineManifestLookup } from '../base-image';

const exec = promisify(execFile);

/** buildah's storage for every script run here: the test's own (vfs under a temporary folder), never the host's. */
let storageConf = '';
beforeAll(async () => {
  const storage = await mkdtemp(path.join(os.tmpdir(), 'ccp-job-storage-'));
  storageConf = path.join(storage, 'storage.conf');
  await writeFile(storageConf, `[storage]\ndriver = "vfs"\ngraphroot = "${storage}/root"\nrunroot = "${storage}/run"\n`);
});
afterAll(() => rm(path.dirname(storageConf), { recursive: true, force: true }));

/**
 * Runs one container's script with sh as the pod would: the workspace is `dir`, the Dockerfile
 * copy's volume `<dir>.dockerfile` (beside it, as it is a volume of its own in the pod), the
 * termination log a file beside them.
 */
async function runScript(script: string, dir: string, env: Record<string, string>): Promise<{ code: number; message: string; output: string }> {
  const terminationLog = `${dir}.termination-log`;
  await writeFile(terminationLog, '');
  await mkdir(`${dir}.dockerfile`, { recursive: true });
  const base = {
    PATH: process.env.PATH,
    HOME: path.join(dir, 'home'),
    WORKSPACE: dir,
    TERMINATION_LOG: terminationLog,
    DOCKERFILE_DIR: `${dir}.dockerfile`,
    CONTAINERS_STORAGE_CONF: storageConf,
    STORAGE_DRIVER: 'vfs',
  };
  const result = await exec('/bin/sh', ['-c', script], { env: { ...base, ...env }, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
  return { ...result, message: await readFile(terminationLog, 'utf8') };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const newWorkspace = () => mkdtemp(path.join(os.tmpdir(), 'ccp-job-scripts-'));
const removeWorkspace = (dir: string) =>
  Promise.all([dir, `${dir}.dockerfile`, `${dir}.termination-log`].map((item) => rm(item, { recursive: true, force: true })));

describe('the build Job scripts', () => {
  it.each([
    ['checkout', CHECKOUT_SCRIPT],
    ['prebuild', PREBUILD_SCRIPT],
    ['build', BUILD_SCRIPT],
  ])('%s passes ShellCheck as POSIX sh', async (_name, script) => {
    const child = execFile('shellcheck', ['-s', 'sh', '-f', 'gcc', '-']);
    let findings = '';
    child.stdout?.on('data', (chunk: Buffer) => (findings += chunk.toString()));
    child.stdin?.end(script);
    await new Promise((resolve) => child.once('close', resolve));
    expect(findings).toBe('');
  });

  describe('run by sh against a real repository', () => {
    let dir: string;
    let url: string;
    let commit: string;

    beforeAll(async () => {
      const repo = await createLocalRepo();
      url = repo.url;
      commit = await repo.commit({
        'app/Dockerfile': 'FROM scratch\nLABEL x=y\n',
        'app/prepare.sh': { content: '#!/bin/sh\necho "prebuild $CCP_BUILD_ID" > made.txt\n', executable: true },
        'app/fail.sh': 'exit 3\n',
        'app/slow.sh': 'sleep 20\n',
      });
    });

    beforeEach(async () => {
      dir = await newWorkspace();
    });
    afterEach(() => removeWorkspace(dir));

    const checkout = (dockerfile = 'app/Dockerfile') => runScript(CHECKOUT_SCRIPT, dir, { GIT_URL: url, COMMIT: commit, DOCKERFILE: dockerfile });
    const prebuild = (script: string, timeout = '10') =>
      runScript(PREBUILD_SCRIPT, dir, {
        PREBUILD_DIR: 'app',
        PREBUILD_SCRIPT: `app/${script}`,
        SCRIPT_NAME: `./${script}`,
        PREBUILD_TIMEOUT_SECONDS: timeout,
        CCP_BUILD_ID: 'b-1',
      });

    it('checks out the commit, copies its Dockerfile and sha256 out of the workspace, then runs the prebuild in its context', async () => {
      const result = await checkout();
      expect({
        code: result.code,
        message: result.message,
        logged: result.output.includes(`==> checkout: ${commit}, Dockerfile app/Dockerfile sha256:${sha256('FROM scratch\nLABEL x=y\n')}`),
      }).toEqual({ code: 0, message: '', logged: true });
      expect({ copy: await readFile(`${dir}.dockerfile/Dockerfile`, 'utf8'), sum: await readFile(`${dir}.dockerfile/sha256`, 'utf8') }).toEqual({
        copy: 'FROM scratch\nLABEL x=y\n',
        sum: `${sha256('FROM scratch\nLABEL x=y\n')}\n`,
      });
      expect(await prebuild('prepare.sh')).toEqual(expect.objectContaining({ code: 0, message: '' }));
      expect(await readFile(path.join(dir, 'src/app/made.txt'), 'utf8')).toBe('prebuild b-1\n');
    });

    it('a commit without the Dockerfile fails the checkout, before any prebuild', async () => {
      expect(await checkout('app/Containerfile')).toEqual(
        expect.objectContaining({ code: 1, message: 'Dockerfile app/Containerfile not found in the repository' }),
      );
      expect(await readdir(`${dir}.dockerfile`)).toEqual([]);
    });

    it.each([
      ['fail.sh', '10', 'prebuild script ./fail.sh exited with 3'],
      ['slow.sh', '1', 'prebuild script ./slow.sh timed out after 1 s'],
      ['none.sh', '10', 'prebuild script app/none.sh not found in the repository'],
    ])('prebuild %s writes its reason to the termination log', async (script, timeout, message) => {
      await checkout();
      expect(await prebuild(script, timeout)).toEqual(expect.objectContaining({ code: expect.any(Number), message }));
    });

    it('an unknown commit writes git’s fatal line', async () => {
      const result = await runScript(CHECKOUT_SCRIPT, dir, { GIT_URL: url, COMMIT: 'b'.repeat(40), DOCKERFILE: 'app/Dockerfile' });
      expect({ code: result.code, message: result.message }).toEqual({ code: 1, message: expect.stringMatching(/^fatal: .*not our ref/) });
    });
  });

  describe('paths that lead out of the checkout', () => {
    // Links point at canaries of the test's own, never at real host files.
    let host: string;
    let url: string;
    let commit: string;
    let dir: string;

    beforeAll(async () => {
      host = await mkdtemp(path.join(os.tmpdir(), 'ccp-job-host-'));
      await mkdir(path.join(host, 'dir'));
      await writeFile(path.join(host, 'canary'), 'CANARY-K8S\n');
      await writeFile(path.join(host, 'dir', 'secret'), 'CANARY-K8S-DIR\n');
      await writeFile(path.join(host, 'script.sh'), '#!/bin/sh\necho CANARY-K8S-SCRIPT > ran.txt\n', { mode: 0o755 });
      const repo = await createLocalRepo();
      url = repo.url;
      await repo.commit({
        'app/Dockerfile': 'FROM scratch\n',
        'clean/Dockerfile': 'FROM scratch\n',
        'clean/inner/file': 'x\n',
        'clean/inner/ok.sh': 'echo ok > ok.txt\n',
        // What a prebuild could plant in the build context: links to where the pod keeps secrets.
        'clean/plant.sh':
          'ln -s /run/ccp/registry-auth/auth.json auth.json\nln -s /var/run/secrets/kubernetes.io/serviceaccount/token token\nln -s ../../../../../../../../run/ccp/registry-auth creds\n',
        'clean/newline.sh': 'ln -s inner/file "$(printf "a\\nb")"\n',
      });
      const links: Array<[string, string]> = [
        ['app/Dockerfile.link', path.join(host, 'canary')],
        ['app/passwd', path.join(host, 'canary')],
        ['app/hostdir', path.join(host, 'dir')],
        ['app/up', '../..'],
        ['app/prepare.sh', path.join(host, 'script.sh')],
        ['clean/same', 'inner/file'],
        ['app/inner', '../clean/inner'],
      ];
      for (const [link, target] of links) await symlink(target, path.join(repo.dir, link));
      commit = await repo.commit({}, 'links');
    });
    afterAll(() => rm(host, { recursive: true, force: true }));

    beforeEach(async () => {
      dir = await newWorkspace();
      expect((await runScript(CHECKOUT_SCRIPT, dir, { GIT_URL: url, COMMIT: commit, DOCKERFILE: 'app/Dockerfile' })).code).toBe(0);
    });
    afterEach(() => removeWorkspace(dir));

    const build = (dockerfile: string, context: string) =>
      runScript(BUILD_SCRIPT, dir, {
        REGISTRIES_CONF_TEXT: '',
        TLS_VERIFY: 'false',
        DOCKERFILE: dockerfile,
        CONTEXT_DIR: context,
        IMAGE_REF: '127.0.0.1:1/x/y:z',
      });
    const prebuildIn = (prebuildDir: string, script: string) =>
      runScript(PREBUILD_SCRIPT, dir, {
        PREBUILD_DIR: prebuildDir,
        PREBUILD_SCRIPT: script,
        SCRIPT_NAME: script,
        PREBUILD_TIMEOUT_SECONDS: '10',
        CCP_BUILD_ID: 'b-1',
      });

    it('the checkout refuses a Dockerfile linked out of the repository and copies nothing', async () => {
      const fresh = await newWorkspace();
      try {
        const result = await runScript(CHECKOUT_SCRIPT, fresh, { GIT_URL: url, COMMIT: commit, DOCKERFILE: 'app/Dockerfile.link' });
        expect({ code: result.code, message: result.message, copied: await readdir(`${fresh}.dockerfile`) }).toEqual({
          code: 1,
          message: `target-file app/Dockerfile.link leads out of the repository (app/Dockerfile.link -> ${host}/canary)`,
          copied: [],
        });
      } finally {
        await removeWorkspace(fresh);
      }
    });

    it.each([
      [
        'a Dockerfile linked to a host file',
        'app/Dockerfile.link',
        'clean',
        'target-file app/Dockerfile.link leads out of the repository (app/Dockerfile.link -> $HOST/canary)',
      ],
      [
        'a context linked to a host folder',
        'app/Dockerfile',
        'app/hostdir',
        'build-context app/hostdir leads out of the repository (app/hostdir -> $HOST/dir)',
      ],
      ['a context that climbs out through a link', 'app/Dockerfile', 'app/up/..', 'build-context app/up/.. leads out of the repository (app/up -> ../..)'],
      ['symlinks in the context that lead out', 'app/Dockerfile', 'app', 'build context app has symlinks that lead out of the repository: '],
    ])('build refuses %s before buildah runs', async (_case, dockerfile, context, message) => {
      const result = await build(dockerfile, context);
      const expected = message.replace('$HOST', host);
      expect({ code: result.code, message: result.message.slice(0, expected.length), buildah: result.output.includes('==> build') }).toEqual({
        code: 1,
        message: expected,
        buildah: false,
      });
    });

    it('names the first three escaping links of the context in the words of the local backend', async () => {
      const { message } = await build('app/Dockerfile', 'app');
      const src = path.join(dir, 'src');
      const local = await refuseEscapingLinks(fsTree(src), 'app', await linksOnDisk(src, 'app')).then(
        () => null,
        (error: ContainmentFailure) => error.message,
      );
      expect({ message, local }).toEqual({
        message: `build context app has symlinks that lead out of the repository: app/Dockerfile.link -> ${host}/canary, app/hostdir -> ${host}/dir, app/passwd -> ${host}/canary`,
        local: message,
      });
    });

    it.each([
      [
        'a prebuild script linked to a host script',
        'app',
        'app/prepare.sh',
        'prebuild-script app/prepare.sh leads out of the repository (app/prepare.sh -> $HOST/script.sh)',
      ],
      [
        'a prebuild context linked to a host folder',
        'app/hostdir',
        'app/hostdir/x.sh',
        'prebuild-context app/hostdir leads out of the repository (app/hostdir -> $HOST/dir)',
      ],
    ])('prebuild refuses %s and runs nothing', async (_case, prebuildDir, script, message) => {
      const result = await prebuildIn(prebuildDir, script);
      expect({ code: result.code, message: result.message }).toEqual({ code: 1, message: message.replace('$HOST', host) });
      expect(await readFile(path.join(host, 'canary'), 'utf8')).toEqual('CANARY-K8S\n');
      await expect(readFile(path.join(dir, 'src/app/ran.txt'))).rejects.toThrow();
    });

    it('follows a relative link that stays inside the checkout', async () => {
      expect(await prebuildIn('app/inner', 'app/inner/ok.sh')).toEqual(expect.objectContaining({ code: 0, message: '' }));
      expect(await readFile(path.join(dir, 'src/clean/inner/ok.txt'), 'utf8')).toBe('ok\n');
    });

    // The local rule (shared/git/inside-checkout.ts): an absolute target is refused even when it
    // names a place inside the checkout, which is not part of the repository.
    it.each([
      ['build', 'a context', () => build('app/Dockerfile', 'app/back'), 'build-context app/back leads out of the repository (app/back -> $SRC/clean)'],
      [
        'build',
        'a Dockerfile',
        () => build('app/backfile', 'clean'),
        'target-file app/backfile leads out of the repository (app/backfile -> $SRC/app/Dockerfile)',
      ],
      [
        'build',
        'a link in the context',
        () => build('app/Dockerfile', 'clean'),
        'build context clean has a symlink that leads out of the repository: clean/back -> $SRC/clean/inner',
      ],
      [
        'prebuild',
        'a prebuild context',
        () => prebuildIn('app/back', 'app/back/inner/ok.sh'),
        'prebuild-context app/back leads out of the repository (app/back -> $SRC/clean)',
      ],
    ])('%s refuses %s through an absolute link back into the checkout', async (_step, _case, run, message) => {
      const src = path.join(dir, 'src');
      await symlink(path.join(src, 'clean'), path.join(src, 'app/back'));
      await symlink(path.join(src, 'app/Dockerfile'), path.join(src, 'app/backfile'));
      await symlink(path.join(src, 'clean/inner'), path.join(src, 'clean/back'));
      const result = await run();
      expect({ code: result.code, message: result.message, buildah: result.output.includes('==> build') }).toEqual({
        code: 1,
        message: message.replace('$SRC', src),
        buildah: false,
      });
    });

    it('fails the build when the prebuild plants links to the pod’s secrets in the context', async () => {
      expect(await prebuildIn('clean', 'clean/plant.sh')).toEqual(expect.objectContaining({ code: 0, message: '' }));
      const result = await build('app/Dockerfile', 'clean');
      expect({ code: result.code, message: result.message, buildah: result.output.includes('==> build') }).toEqual({
        code: 1,
        message:
          'build context clean has symlinks that lead out of the repository: clean/auth.json -> /run/ccp/registry-auth/auth.json, clean/creds -> ../../../../../../../../run/ccp/registry-auth, clean/token -> /var/run/secrets/kubernetes.io/serviceaccount/token',
        buildah: false,
      });
    });

    it('fails the build when a name in the context holds a line break (it would hide a link from the check)', async () => {
      expect(await prebuildIn('clean', 'clean/newline.sh')).toEqual(expect.objectContaining({ code: 0 }));
      expect((await build('app/Dockerfile', 'clean')).message).toBe('build context clean has a file whose name holds a line break');
    });

    it('fails the build when the prebuild put a link in place of the checkout folder', async () => {
      // What a prebuild can do: it may write the workspace, which holds src.
      await exec('sh', ['-c', 'mv "$1/src" "$1/src.old" && ln -s "$2" "$1/src"', 'sh', dir, path.join(host, 'dir')]);
      const result = await build('app/Dockerfile', '.');
      expect({ code: result.code, message: result.message }).toEqual({ code: 1, message: `the checkout folder was replaced (src -> ${host}/dir)` });
    });

    it('fails the build when the Dockerfile copy differs from the sum the checkout recorded', async () => {
      await writeFile(`${dir}.dockerfile/Dockerfile`, 'FROM oci-archive:/x.tar\n');
      const result = await build('app/Dockerfile', 'clean');
      expect({ code: result.code, message: result.message }).toEqual({
        code: 1,
        message: `Dockerfile app/Dockerfile: the copy differs from the checkout's (sha256:${sha256('FROM oci-archive:/x.tar\n')})`,
      });
    });

    // The lint refused these at the commit with ../host-access.ts; the build container says the
    // same again on the copy it builds, and lets through what the lint lets through.
    it.each([
      ['a bind mount', 'RUN --mount=type=bind,source=link,target=/x cat /x'],
      ['a mount of the default type', 'RUN --mount=target=/x ls /x'],
      ['a cache mount from another image', 'RUN --mount=type=cache,from=base,target=/x ls'],
      ['a cache id that climbs out (CVE-2024-9675)', 'RUN --mount=type=cache,id=../../../run/ccp/registry-auth,target=/x cat /x/auth.json'],
      ['a quoted, escaped cache id', 'RUN --mount="type=cache,id=\\.\\./\\.\\./x,target=/x" ls'],
      ['a cache source that is absolute', 'RUN --mount=type=cache,source=/etc,target=/x ls'],
      ['a cache id split over a continuation line', 'RUN --mount=type=cache,id=ok\\\n/../../x,target=/x ls'],
      ['a variable in a mount', 'ARG C=../..\nRUN --mount=type=cache,id=$C,target=/x ls'],
      ['an ONBUILD bind mount', 'ONBUILD RUN --mount=type=bind,target=/x ls'],
      ['FROM oci-archive:', 'FROM oci-archive:/run/ccp/registry-auth/x.tar'],
      ['FROM dir:', 'FROM dir:/etc'],
      ['COPY --from=containers-storage:', 'COPY --from=containers-storage:other/image / /'],
      ['an ARG naming docker-archive:', 'ARG BASE=docker-archive:/x.tar\nFROM $BASE'],
      ['a named cache', 'RUN --mount=type=cache,id=pip,target=/root/.cache pip install x'],
      ['a tmpfs mount', 'RUN --mount=type=tmpfs,target=/tmp make'],
      ['a copy from a stage', 'FROM scratch AS builder\nFROM scratch\nCOPY --from=builder /a /b'],
      ['an image in a registry', 'FROM registry.example.org/x:1'],
    ])('build agrees with the lint on %s', async (_case, tail) => {
      const text = `FROM scratch\n${tail}\n`;
      await writeFile(`${dir}.dockerfile/Dockerfile`, text);
      await writeFile(`${dir}.dockerfile/sha256`, `${sha256(text)}\n`);
      const result = await build('app/Dockerfile', 'nowhere');
      expect({ code: result.code, message: result.message }).toEqual({
        code: 1,
        message: hostAccessProblem(text, 'app/Dockerfile') ?? 'build context nowhere not found in the repository',
      });
    });
    // buildah 1.28 builds `ARG T=oci-archive` + `FROM ${T}:/file.tar` from the host's file (tried
    // by hand): the transport is whole only once the ARG is put in, so the check puts it in.
    it.each([
      ['an ARG before FROM', 'ARG T=oci-archive\nFROM ${T}:/run/x.tar', 2, 'FROM names the oci-archive'],
      ['an ARG without braces', 'ARG T=oci-archive\nFROM $T:/run/x.tar', 2, 'FROM names the oci-archive'],
      ['ARGs built from ARGs', 'ARG T=oci\nARG U=${T}-archive\nFROM ${U}:/run/x.tar', 3, 'FROM names the oci-archive'],
      ['a default inside a default', 'ARG X\nARG T=oci-archive\nFROM ${X:-${T}}:/run/x.tar', 3, 'FROM names the oci-archive'],
      ['a name that differs only in case', 'ARG T=oci-archive\nARG t=fedora\nFROM ${T}:/run/x.tar', 3, 'FROM names the oci-archive'],
      ['a stage ARG that FROM does not see', 'ARG T=oci-archive\nFROM scratch\nARG T=fedora\nFROM ${T}:/run/x.tar', 4, 'FROM names the oci-archive'],
      [
        'an ENV of the old form in COPY --from',
        'FROM scratch\nENV S containers-storage\nCOPY --from=${S}:other/image / /',
        3,
        'COPY --from names the containers-storage',
      ],
      ['a stage ARG in COPY --from', 'FROM scratch\nARG S=containers\nCOPY --from=${S}-storage:other/image / /', 3, 'COPY --from names the containers-storage'],
    ])('build refuses a host transport spelled with %s', async (_case, tail, line, says) => {
      const text = `${tail}\n`;
      await writeFile(`${dir}.dockerfile/Dockerfile`, text);
      await writeFile(`${dir}.dockerfile/sha256`, `${sha256(text)}\n`);
      const result = await build('app/Dockerfile', 'nowhere');
      expect({ code: result.code, message: result.message }).toEqual({
        code: 1,
        message: `app/Dockerfile line ${line}: ${says}: transport, which reads the build host; name an image in a registry`,
      });
    });

    it.each([
      ['a registry and tag from ARGs', 'ARG BASE=fedora\nARG TAG=39\nFROM ${BASE}:${TAG}\nFROM $BASE:latest'],
      ['a registry host from an ARG', 'ARG REG=registry.example.org\nFROM ${REG}/x:1'],
    ])('build lets through %s', async (_case, tail) => {
      const text = `${tail}\n`;
      await writeFile(`${dir}.dockerfile/Dockerfile`, text);
      await writeFile(`${dir}.dockerfile/sha256`, `${sha256(text)}\n`);
      expect((await build('app/Dockerfile', 'nowhere')).message).toBe('build context nowhere not found in the repository');
    });
  });

  describe('the report after the push, with a buildah that answers what the storage would', () => {
    const DIGEST = `sha256:${'d'.repeat(64)}`;
    const BASE_DIGEST = `sha256:${'b'.repeat(64)}`;
    const BASE_ID = 'c'.repeat(64);
    const NAME = 'registry.example.org:5000/sample/base:latest';
    let dir: string;
    let bin: string;

    beforeAll(async () => {
      dir = await newWorkspace();
      bin = path.join(dir, 'bin');
      await mkdir(path.join(dir, 'own'), { recursive: true });
      await mkdir(bin);
      // `buildah inspect --type image --format F REF`: the annotation of the image built, the
      // base's digest and id; FAKE_FAIL makes every call fail as buildah does for an unknown image.
      await writeFile(
        path.join(bin, 'buildah'),
        [
          '#!/bin/sh',
          'printf \'%s\\n\' "$*" >> "$FAKE_CALLS"',
          '[ -z "${FAKE_FAIL:-}" ] || { echo "Error: image not known" >&2; exit 125; }',
          'case "$5" in',
          '  *base.name*) printf \'%s\\n\' "$FAKE_NAME" ;;',
          '  *FromImageDigest*) printf \'%s\\n\' "$FAKE_DIGEST" ;;',
          '  *FromImageID*) printf \'%s\\n\' "$FAKE_ID" ;;',
          'esac',
          '',
        ].join('\n'),
      );
      await chmod(path.join(bin, 'buildah'), 0o755);
    });
    afterAll(() => removeWorkspace(dir));

    async function report(fake: Record<string, string>, digest = DIGEST): Promise<{ message: string; calls: string[] }> {
      await writeFile(path.join(dir, 'own/digest'), digest);
      await writeFile(path.join(dir, 'calls'), '');
      const result = await runScript(BUILD_REPORT_SCRIPT, dir, {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        own: path.join(dir, 'own'),
        IMAGE_REF: 'registry.example.org:5000/sample/child:latest',
        FAKE_CALLS: path.join(dir, 'calls'),
        FAKE_NAME: NAME,
        FAKE_DIGEST: BASE_DIGEST,
        FAKE_ID: BASE_ID,
        ...fake,
      });
      expect(result.code).toBe(0);
      return { message: result.message, calls: (await readFile(path.join(dir, 'calls'), 'utf8')).split('\n').filter(Boolean) };
    }

    it('writes the digest, then the base’s name, storage digest and id, as key=value lines the backend reads back', async () => {
      const { message, calls } = await report({});
      expect(message).toBe(`digest=${DIGEST}\nbase-name=${NAME}\nbase-digest=${BASE_DIGEST}\nbase-id=${BASE_ID}\n`);
      expect(calls).toEqual([
        'inspect --type image --format {{index .ImageAnnotations "org.opencontainers.image.base.name"}} registry.example.org:5000/sample/child:latest',
        `inspect --type image --format {{.FromImageDigest}} ${NAME}`,
        `inspect --type image --format {{.FromImageID}} ${NAME}`,
      ]);
      expect(parseBuildReport(message)).toEqual({ digest: DIGEST, base: { name: NAME, storageDigest: BASE_DIGEST, imageId: `sha256:${BASE_ID}` } });
    });

    it.each([
      ['no annotation (FROM scratch)', { FAKE_NAME: '' }],
      ['a name with a line that would add a field', { FAKE_NAME: `${NAME}\ndigest=sha256:${'e'.repeat(64)}` }],
      ['a name with a space', { FAKE_NAME: `${NAME} x` }],
      ['a name that starts with a dash (an option to buildah)', { FAKE_NAME: '--root=/' }],
      ['a name longer than 512 characters', { FAKE_NAME: `registry.example.org/${'a'.repeat(600)}` }],
      ['a storage buildah cannot read', { FAKE_FAIL: '1' }],
    ])('writes the digest alone for %s, and asks nothing more', async (_case, fake) => {
      const { message, calls } = await report(fake);
      expect({ message, calls: calls.length }).toEqual({ message: `digest=${DIGEST}\n`, calls: 1 });
    });

    it.each([
      ['a base digest that spans lines', { FAKE_DIGEST: `${BASE_DIGEST}\nbase-name=evil.example.org/x:1` }, `base-id=${BASE_ID}\n`],
      ['a base id with a space', { FAKE_ID: `${BASE_ID} x` }, `base-digest=${BASE_DIGEST}\n`],
    ])('drops only the field that fails: %s', async (_case, fake, kept) => {
      const { message } = await report(fake);
      expect(message).toBe(`digest=${DIGEST}\nbase-name=${NAME}\n${kept}`);
    });

    it('stays far under the kubelet’s 4096 bytes with every field at its longest', async () => {
      const name = `registry.example.org/${'a'.repeat(512 - 'registry.example.org/'.length)}`;
      const { message } = await report({ FAKE_NAME: name });
      expect({ name: message.includes(`base-name=${name}\n`), bytes: Buffer.byteLength(message) < 1024 }).toEqual({ name: true, bytes: true });
    });
  });

  describe('a build on real buildah and a registry', () => {
    const committed = 'FROM scratch\nLABEL built=committed\nCOPY data.txt same /\n';
    let registry: LocalRegistry;
    let root: string;
    let dir: string;
    let url: string;
    let commit: string;

    beforeAll(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'ccp-job-buildah-'));
      registry = await startLocalRegistry({ dir: path.join(root, 'registry') });
      await writeFile(path.join(root, 'canary'), 'CANARY-K8S-AUTH\n');
      const repo = await createLocalRepo();
      url = repo.url;
      await repo.commit({
        'app/Dockerfile': committed,
        'app/data.txt': 'data\n',
        // The prebuild rewrites the Dockerfile to reach the Secret through a cache mount, and
        // plants links where the old build script kept its files.
        'app/rewrite.sh':
          "printf 'FROM scratch\\nLABEL built=rewritten\\nRUN --mount=type=cache,id=../../../../run/ccp/registry-auth,target=/x cat /x/auth.json\\n' > Dockerfile\n" +
          'for f in push.err registries.conf digest; do ln -s "$CANARY" "$WORKSPACE/tmp/$f"; done\n',
      });
      await symlink('data.txt', path.join(repo.dir, 'app/same'));
      commit = await repo.commit({}, 'a link that stays inside');
      dir = await newWorkspace();
    });
    afterAll(async () => {
      await registry.stop();
      await removeWorkspace(dir);
      await rm(root, { recursive: true, force: true });
    });

    it('builds and pushes the Dockerfile as committed, whatever the prebuild wrote, and keeps its own files out of the workspace', async () => {
      expect((await runScript(CHECKOUT_SCRIPT, dir, { GIT_URL: url, COMMIT: commit, DOCKERFILE: 'app/Dockerfile' })).code).toBe(0);
      const prebuild = await runScript(PREBUILD_SCRIPT, dir, {
        PREBUILD_DIR: 'app',
        PREBUILD_SCRIPT: 'app/rewrite.sh',
        SCRIPT_NAME: './rewrite.sh',
        PREBUILD_TIMEOUT_SECONDS: '10',
        CCP_BUILD_ID: 'b-1',
        CANARY: path.join(root, 'canary'),
      });
      expect({ code: prebuild.code, rewritten: (await readFile(path.join(dir, 'src/app/Dockerfile'), 'utf8')).includes('rewritten') }).toEqual({
        code: 0,
        rewritten: true,
      });
      const imageRef = `${registry.address}/sample/app:latest`;
      const result = await runScript(BUILD_SCRIPT, dir, {
        REGISTRIES_CONF_TEXT: registriesConf({ registry: { address: registry.address, tlsVerify: false }, parentImages: {} }),
        TLS_VERIFY: 'false',
        DOCKERFILE: 'app/Dockerfile',
        CONTEXT_DIR: 'app',
        IMAGE_REF: imageRef,
        BUILDAH_ISOLATION: 'chroot',
      });
      expect({
        code: result.code,
        message: result.message,
        note: result.output.includes('==> note: the prebuild script changed app/Dockerfile; building it as committed (what the lint read)'),
        sum: result.output.includes(`sha256:${sha256(committed)}`),
        canary: result.output.includes('CANARY'),
      }).toEqual({ code: 0, message: expect.stringMatching(/^digest=sha256:[0-9a-f]{64}\n$/), note: true, sum: true, canary: false });
      expect(await readFile(path.join(root, 'canary'), 'utf8')).toBe('CANARY-K8S-AUTH\n');
      const { stdout } = await exec('skopeo', ['inspect', '--tls-verify=false', `docker://${imageRef}`]);
      const inspected = JSON.parse(stdout) as { Digest: string; Labels: Record<string, string> };
      expect({ digest: inspected.Digest, built: inspected.Labels.built }).toEqual({ digest: parseBuildReport(result.message).digest, built: 'committed' });
    });

    // The parent was built and pushed from this same storage, as an in-index parent often is (for
    // which buildah's own digest can name a manifest it made locally, which the registry never had).
    it('reports the base it built FROM, whose digest the registry serves once the build function has asked it', async () => {
      const parentRef = `${registry.address}/sample/parent:1`;
      const storage = ['--storage-driver', 'vfs'];
      const env = { ...process.env, CONTAINERS_STORAGE_CONF: storageConf, CONTAINERS_REGISTRIES_CONF: path.join(root, 'registries.conf') };
      await writeFile(env.CONTAINERS_REGISTRIES_CONF, registriesConf({ registry: { address: registry.address, tlsVerify: false }, parentImages: {} }));
      await writeFile(path.join(root, 'Parent'), 'FROM scratch\nLABEL role=parent\n');
      await exec('buildah', [...storage, 'bud', '--isolation', 'chroot', '-f', path.join(root, 'Parent'), '-t', parentRef, root], { env });
      await exec('buildah', [...storage, 'push', '--tls-verify=false', parentRef, `docker://${parentRef}`], { env });
      const repo = await createLocalRepo();
      const child = await repo.commit({ Dockerfile: `FROM ${parentRef}\nLABEL role=child\n` });
      const work = await newWorkspace();
      try {
        expect((await runScript(CHECKOUT_SCRIPT, work, { GIT_URL: repo.url, COMMIT: child, DOCKERFILE: 'Dockerfile' })).code).toBe(0);
        const result = await runScript(BUILD_SCRIPT, work, {
          REGISTRIES_CONF_TEXT: registriesConf({ registry: { address: registry.address, tlsVerify: false }, parentImages: {} }),
          TLS_VERIFY: 'false',
          DOCKERFILE: 'Dockerfile',
          CONTEXT_DIR: '.',
          IMAGE_REF: `${registry.address}/sample/child:1`,
        });
        const report = parseBuildReport(result.message);
        const served = JSON.parse((await exec('skopeo', ['inspect', '--tls-verify=false', `docker://${parentRef}`])).stdout) as { Digest: string };
        expect({ code: result.code, name: report.base?.name, digest: Boolean(report.digest) }).toEqual({ code: 0, name: parentRef, digest: true });
        await expect(baseImageDigests(report.base, pipelineManifestLookup(registry.access))).resolves.toEqual([{ ref: parentRef, digest: served.Digest }]);
        // The id the pod reports is the config the registry serves: the match the build function makes.
        expect(report.base?.imageId).toBe((await pipelineManifestLookup(registry.access)(parentRef))?.configDigest);
      } finally {
        await removeWorkspace(work);
      }
    });
  });
});
