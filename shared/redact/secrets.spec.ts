import { loadConfig } from '../config/config';
import { configuredSecrets, loginSecrets } from './secrets';

describe('configuredSecrets', () => {
  it('lists every secret of the configuration and each login as user:password', () => {
    const config = loadConfig(
      { dataDir: '/tmp/ccp-secrets-spec' },
      {
        CCP_REGISTRY: 'reg.example.org:5000',
        CCP_REGISTRY_USERNAME: 'pusher',
        CCP_REGISTRY_PASSWORD: 'registry-pw-1',
        CCP_SMTP_HOST: 'smtp.example.org',
        CCP_SMTP_USER: 'mailer',
        CCP_SMTP_PASSWORD: 'smtp-pw-2',
        CCP_WEBHOOK_SECRET: 'webhook-secret-3',
        CCP_STORE: 's3',
        CCP_S3_BUCKET: 'b',
        CCP_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE4',
        CCP_S3_SECRET_ACCESS_KEY: 's3-secret-5',
        CCP_EXTRA_API_TOKEN: 'api-token-6',
      },
    );
    expect(configuredSecrets(config, ['extra-7', 'x', undefined]).sort()).toEqual(
      ['api-token-6', 'extra-7', 'mailer:smtp-pw-2', 'pusher:registry-pw-1', 'registry-pw-1', 's3-secret-5', 'smtp-pw-2', 'webhook-secret-3'].sort(),
    );
  });
});

describe('loginSecrets (a login of a build or of the configuration)', () => {
  it.each<[string, string | undefined, string | undefined, string[]]>([
    ['user and password', 'pusher', 'registry-pw-1', ['registry-pw-1', 'pusher:registry-pw-1']],
    ['a password without a user (a token login)', undefined, 'tok-2', ['tok-2', ':tok-2']],
    ['no password', 'pusher', undefined, []],
    ['an empty password', 'pusher', '', []],
  ])('%s', (_name, username, password, expected) => {
    expect(loginSecrets(username, password)).toEqual(expected);
  });
});
