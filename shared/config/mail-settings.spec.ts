import type { Issue } from '../errors/validation-error';
import { loadConfig } from './config';
import { loadMailSettings } from './mail-settings';

function load(file: Parameters<typeof loadMailSettings>[0], env: NodeJS.ProcessEnv = {}): { settings: ReturnType<typeof loadMailSettings>; issues: Issue[] } {
  const issues: Issue[] = [];
  const settings = loadMailSettings(file, env, { file: 'ccp.yaml' }, issues);
  return { settings, issues };
}

describe('loadMailSettings', () => {
  it('has no SMTP, a local sender and the longest link lifetime by default', () => {
    expect(load({}).settings).toEqual({
      from: 'ccp@localhost',
      cc: [],
      linkLifetimeSeconds: 604800,
      policies: {},
      secrets: [],
      noticeScanWaitSeconds: 240,
      vulnerabilitySeverity: 'medium',
    });
  });

  it('reads SMTP and Cc from variables over the file', () => {
    const { settings, issues } = load(
      { smtp: { host: 'file-host', port: 25 }, cc: ['a@x.org'] },
      {
        CCP_SMTP_HOST: 'smtp.example.org',
        CCP_SMTP_SECURE: 'starttls',
        CCP_SMTP_USER: 'ccp',
        CCP_SMTP_PASSWORD: 's3cr3t-pw',
        CCP_MAIL_CC: 'ops@x.org, lead@x.org',
      },
    );
    expect(issues).toEqual([]);
    expect(settings.smtp).toEqual({ host: 'smtp.example.org', port: 25, security: 'starttls', user: 'ccp', password: 's3cr3t-pw' });
    expect(settings.cc).toEqual(['ops@x.org', 'lead@x.org']);
  });

  it.each([
    ['tls', 'tls', 465],
    ['starttls', 'starttls', 587],
    ['none', 'none', 587],
  ])('CCP_SMTP_SECURE=%s gives %s on port %d by default', (value, security, port) => {
    expect(load({}, { CCP_SMTP_HOST: 'h', CCP_SMTP_SECURE: value }).settings.smtp).toEqual({ host: 'h', port, security });
  });

  it('gathers every secret-looking CCP_ variable so that mails can be checked against them', () => {
    const { settings } = load({}, { CCP_SMTP_PASSWORD: 'smtp-pw-1', CCP_REGISTRY_PASSWORD: 'reg-pw-2', CCP_GITHUB_TOKEN: 'tok-3', HOME: '/root' });
    expect(settings.secrets.sort()).toEqual(['reg-pw-2', 'smtp-pw-1', 'tok-3']);
  });

  it.each([
    [{}, {}, 'medium'],
    [{}, { vulnerabilitySeverity: 'all' }, 'all'],
    [{ CCP_MAIL_VULNERABILITY_SEVERITY: 'high' }, { vulnerabilitySeverity: 'low' }, 'high'],
  ])('reads the least severity mailed from %j, else the file %j', (env, file, expected) => {
    const { settings, issues } = load(file, env);
    expect([settings.vulnerabilitySeverity, issues]).toEqual([expected, []]);
  });

  it.each([
    ['a bad port', { smtp: { host: 'h', port: 70000 } }, 'mail.smtp.port', 'must be a whole number from 1 to 65535'],
    ['a bad security', { smtp: { host: 'h', secure: 'maybe' } }, 'mail.smtp.secure', 'must be tls, starttls or none'],
    ['a relative base URL', { reportsBaseUrl: 'reports/' }, 'mail.reportsBaseUrl', 'must be an http(s) URL'],
    ['a lifetime over 7 days', { linkLifetimeSeconds: 604801 }, 'mail.linkLifetimeSeconds', 'must be a whole number from 1 to 604800'],
    ['an unknown vulnerability severity', { vulnerabilitySeverity: 'severe' }, 'mail.vulnerabilitySeverity', 'must be one of critical, high, medium, low, all'],
    ['a scan wait over an hour', { noticeScanWaitSeconds: 3601 }, 'mail.noticeScanWaitSeconds', 'must be a whole number from 0 to 3600'],
    [
      'an unknown build policy',
      { policies: { centos: { builds: 'sometimes' as never } } },
      'mail.policies.centos.builds',
      'must be one of all, failures-and-fixes',
    ],
    ['an unknown scan policy', { policies: { '*': { scans: 'never' as never } } }, 'mail.policies.*.scans', 'must be one of changes, always'],
  ])('reports %s with its field and file', (_name, file, field, message) => {
    expect(load(file).issues).toEqual([{ file: 'ccp.yaml', field, message }]);
  });
});

describe('loadConfig mail', () => {
  it('adds the S3 secret key to the secrets a mail must not carry, not the access key id its presigned links carry', () => {
    const config = loadConfig({}, { CCP_STORE: 's3', CCP_S3_BUCKET: 'b', CCP_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE', CCP_S3_SECRET_ACCESS_KEY: 'very-secret-key' });
    expect(config.mail?.secrets.sort()).toEqual(['very-secret-key']);
  });
});
