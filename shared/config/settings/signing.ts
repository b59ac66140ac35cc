import { declare, Invalid, type SettingGroup } from './api';
import { text } from './parsers';

/** Simple signing (GPG) of pushed images: see shared/signing/readme.md and docs/admin-guide.md. */
export const SIGNING = {
  keyFile: declare({
    env: 'CCP_SIGNING_KEY_FILE',
    key: 'signing.keyFile',
    description:
      'the armored GPG secret key the build function signs pushed images with (`ccp keys generate`). In the cluster the build Service sets it to `/etc/ccp/signing/signing-key.asc`, the key `signing-key.asc` of the optional Secret `ccp-signing`. Unset, or naming a file that does not exist (the Secret absent): nothing is signed',
    parse: text,
  }),
  passphraseFile: declare({
    env: 'CCP_SIGNING_KEY_PASSPHRASE_FILE',
    key: 'signing.passphraseFile',
    description:
      "a file holding the key's passphrase, for a key that has one; in the cluster `/etc/ccp/signing/signing-key-passphrase` (key `signing-key-passphrase` of `ccp-signing`), no passphrase when that file does not exist",
    parse: text,
  }),
  identity: declare({
    env: 'CCP_SIGNING_IDENTITY',
    key: 'signing.identity',
    description:
      "the registry (`host[:port][/path]`) written as the signature's docker-reference in place of the push address, for clusters that pull by another name (the internal registry's Service); default: the push address",
    parse: (raw) => {
      const value = String(raw).trim().replace(/\/+$/, '');
      return /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._/-]+)?$/i.test(value) ? value : new Invalid('must be host[:port][/path]');
    },
  }),
  lookasideUrl: declare({
    env: 'CCP_SIGNING_LOOKASIDE_URL',
    key: 'signing.lookasideUrl',
    description:
      "the URL clients fetch signatures from (a `registries.d` `lookaside`), printed in build logs and the default of `ccp verify`; default `http://127.0.0.1:<port>/sigstore` of `ccp serve`, in the cluster the dashboard's `/sigstore`",
    parse: (raw) => (URL.canParse(String(raw).trim()) ? String(raw).trim().replace(/\/+$/, '') : new Invalid('must be a URL')),
  }),
};

export const SIGNING_ROWS: Record<'signing', SettingGroup> = {
  signing: {
    settings: [SIGNING.keyFile, SIGNING.passphraseFile, SIGNING.identity, SIGNING.lookasideUrl],
    description:
      'simple signing (GPG) of every pushed image: secret key file (unset: nothing signed, the default), passphrase file, the signed identity (the registry the signatures name), and the lookaside URL signatures are served at (`/sigstore/` of `ccp serve` and the dashboard). A signature that cannot be made fails the build. In the cluster the key and passphrase are files of the Secret `ccp-signing`, mounted into the build function only at `/etc/ccp/signing/`. See `docs/admin-guide.md`, "Signed images"',
  },
};
