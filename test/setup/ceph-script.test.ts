import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'ceph-s3-up.sh');

// Without Ceph the S3 tests must fail saying what to install, never skip: the start script
// is where that message comes from.
describe('scripts/ceph-s3-up.sh', () => {
  it('says which package to install when a Ceph tool is missing', () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ccp-ceph-script-'));
    try {
      const run = spawnSync('/bin/bash', [SCRIPT], { env: { PATH: '/nonexistent', D: stateDir }, encoding: 'utf8' });
      expect(run.status).toEqual(2);
      expect(run.stderr).toContain(
        'ceph-s3-up: ceph-mon is missing; install: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common uuid-runtime',
      );
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('refuses to wipe a folder that is not its own', () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ccp-ceph-script-'));
    try {
      spawnSync('/bin/bash', ['-c', `echo precious > "${stateDir}/notes.txt"`]);
      const run = spawnSync('/bin/bash', [SCRIPT], { env: { ...process.env, D: stateDir }, encoding: 'utf8' });
      expect(run.status).toEqual(2);
      expect(run.stderr).toContain('is not empty and holds no earlier ceph.conf: refusing to wipe it');
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
