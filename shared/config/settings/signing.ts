import { declare, Invalid, type SettingGroup } from './api';
import { oneOf, text } from './parsers';

/** What the dispatcher and the scan do with a parent image whose signature does not verify. */
export const PARENT_SIGNATURE_POLICIES = ['off', 'warn', 'enforce'] as const;
export type ParentSignaturePolicy = (typeof PARENT_SIGNATURE_POLICIES)[number];

/**
 * Whether the registry's own signature storage (the "signatures API extension" OpenShift's
 * integrated registry advertises with `X-Registry-Supports-Signatures: 1`) is used: `auto`
 * whenever the registry advertises it, `off` never.
 */
export const REGISTRY_SIGNATURE_MODES = ['auto', 'off'] as const;
export type RegistrySignatureMode = (typeof REGISTRY_SIGNATURE_MODES)[number];

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
  registryApi: declare({
    env: 'CCP_SIGNING_REGISTRY_API',
    key: 'signing.registryApi',
    description:
      "the registry's own signature storage (the signatures API extension of OpenShift's integrated registry, which advertises `X-Registry-Supports-Signatures: 1`): `auto` (the default) also PUTs each signature there and reads signatures from there (`ccp verify`, parent checks) when the registry advertises it, `off` never",
    default: 'auto' as RegistrySignatureMode,
    parse: oneOf<RegistrySignatureMode>(REGISTRY_SIGNATURE_MODES, `must be one of ${REGISTRY_SIGNATURE_MODES.join(', ')}`),
  }),
  parents: declare({
    env: 'CCP_PARENT_SIGNATURES',
    key: 'signing.parents',
    description: 'parent signatures',
    default: 'off' as ParentSignaturePolicy,
    parse: oneOf<ParentSignaturePolicy>(PARENT_SIGNATURE_POLICIES, `must be one of ${PARENT_SIGNATURE_POLICIES.join(', ')}`),
  }),
  publicKeyFile: declare({
    env: 'CCP_SIGNING_PUBLIC_KEY_FILE',
    key: 'signing.publicKeyFile',
    description: 'the armored GPG public key parents are verified against',
    parse: text,
  }),
  cosignPublicKeyFile: declare({
    env: 'CCP_SIGNING_COSIGN_PUBLIC_KEY_FILE',
    key: 'signing.cosignPublicKeyFile',
    description: 'the PEM ECDSA P-256 public key parents are verified against',
    parse: text,
  }),
};

export const SIGNING_ROWS: Record<'signing' | 'parents', SettingGroup> = {
  signing: {
    settings: [SIGNING.keyFile, SIGNING.passphraseFile, SIGNING.identity, SIGNING.lookasideUrl, SIGNING.registryApi],
    description:
      'simple signing (GPG) of every pushed image: secret key file (unset: nothing signed, the default), passphrase file, the signed identity (the registry the signatures name), the lookaside URL signatures are served at (`/sigstore/` of `ccp serve` and the dashboard), and whether the registry\'s own signature storage is used (`auto`, the default: when the registry advertises the signatures API extension, as the integrated registry of OpenShift does, each signature is also PUT there, and `ccp verify` and the parent checks read it from there; `off`). A signature that cannot be made fails the build. In the cluster the key and passphrase are files of the Secret `ccp-signing`, mounted into the build function only at `/etc/ccp/signing/`. See `docs/admin-guide.md`, "Signed images"',
  },
  parents: {
    settings: [SIGNING.parents, SIGNING.publicKeyFile, SIGNING.cosignPublicKeyFile],
    description:
      "whether the dispatcher and the scan check the signature of a parent image ccp built (an index image a child's `FROM` or `depends-on` names, at the digest its build pushed) before building children on it or when scanning them: `off` (the default: not checked), `warn` (checked; a parent that does not verify is logged, carried into the cascade record and a medium finding of the scan) or `enforce` (the children are not built: each ends failed, the reason naming the parent, its digest and why; the scan reports a high finding and fails its `parent-signatures` section). Checked against the GPG public key (`ccp keys generate`'s `.pub`, simple signing from `CCP_SIGNING_LOOKASIDE_URL`, naming `CCP_SIGNING_IDENTITY`) and/or the cosign ECDSA P-256 public key (`ccp keys generate-ecdsa`'s `.pub`, the `sha256-<digest>.sig` in the registry); at least one when not `off`, both must verify when both are given. External base images (`quay.io/centos/...`) are never checked. See `docs/admin-guide.md`, \"Signed images\"",
  },
};
