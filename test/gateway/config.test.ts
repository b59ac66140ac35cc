import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../shared/config/config';
import { ValidationError } from '../../shared/errors/validation-error';

function configFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ccp-config-')), 'ccp.yaml');
  writeFileSync(file, text);
  return file;
}

describe('the webhooks section of the configuration', () => {
  it('reads the global secret, per-repository secrets and the body limit, and keeps the secrets out of mails', () => {
    const file = configFile(
      [
        'webhooks:',
        '  secret: global-from-file',
        '  bodyLimit: 512kb',
        '  secrets:',
        '    "git@github.com:heketi/heketi.git": heketi-secret',
        '    mike/diaspora: diaspora-secret',
        '',
      ].join('\n'),
    );
    const config = loadConfig({ config: file, dataDir: '/tmp/ccp-config-test' }, {});
    expect(config.webhooks).toEqual({
      secret: 'global-from-file',
      bodyLimit: 512 * 1024,
      timestampTolerance: 300,
      secrets: new Map([
        ['github.com/heketi/heketi', 'heketi-secret'],
        ['mike/diaspora', 'diaspora-secret'],
      ]),
    });
    expect(config.mail?.secrets).toEqual(expect.arrayContaining(['global-from-file', 'heketi-secret', 'diaspora-secret']));
  });

  it('lets CCP_WEBHOOK_SECRET beat the file', () => {
    const file = configFile('webhooks:\n  secret: from-file\n');
    expect(loadConfig({ config: file }, { CCP_WEBHOOK_SECRET: 'from-env' }).webhooks?.secret).toBe('from-env');
  });

  it('refuses a bad key or limit naming the file and field', () => {
    const file = configFile('webhooks:\n  bodyLimit: lots\n  secrets:\n    nonsense: x\n');
    let caught: unknown;
    try {
      loadConfig({ config: file }, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).errors).toEqual([
      { file, field: 'webhooks.bodyLimit', message: '"lots" is not a size (bytes, or a number with kb or mb)' },
      { file, field: 'webhooks.secrets.nonsense', message: 'is neither a repository URL nor owner/repo' },
    ]);
  });
});
