import { declare, Invalid, type SettingGroup } from './api';
import { strictBoolean, text } from './parsers';

/** The pipeline's own registry and the tokens of ccp's doors. */
export const REGISTRY = {
  username: declare({ env: 'CCP_REGISTRY_USERNAME', key: 'registryAuth.username', description: "the registry login's user", parse: text }),
  password: declare({ env: 'CCP_REGISTRY_PASSWORD', key: 'registryAuth.password', description: "the registry login's password", parse: text, secret: true }),
  tlsVerify: declare({
    env: 'CCP_REGISTRY_TLS_VERIFY',
    key: 'registryTlsVerify',
    description:
      '`true` or `false`; default: verified, except on loopback. `false`: buildah uses `--tls-verify=false` (unverified TLS or plain http) and the functions speak plain http to the registry',
    parse: strictBoolean((raw, setting) => `must be true or false (${setting.env}), not "${String(raw)}"`, true),
  }),
  notifyToken: declare({
    env: 'CCP_REGISTRY_NOTIFY_TOKEN',
    key: 'registryNotifyToken',
    description:
      "the Bearer token the registry's push notifications must carry (its endpoint's `headers: {Authorization: [Bearer …]}`); `POST /registry/notifications` answers any request without it 401, compared in constant time, before reading the body. Unset: every notification is refused. The local registry `ccp` starts gets a random one of its own on each start. A secret (ccp-secrets, build function only), redacted from logs and mails",
    parse: text,
    secret: true,
  }),
  ingressToken: declare({
    env: 'CCP_INGRESS_TOKEN',
    key: 'ingressToken',
    description:
      "the Bearer token `POST /` of the embedded runtime's door (`ccp serve`, `ccp run`) requires (16 or more printable characters, no spaces); any event without it is answered 401 JSON, compared in constant time, before the body is read. Unset: a random token kept in `<data-dir>/ingress-token` (mode 0600, made at the first start, reused after), which `ccp serve` names, never prints. Untrusted code on the host (a prebuild with network, a `RUN` step) shares 127.0.0.1 with the door: without the token it could forge any event. Webhooks, `/registry/notifications` and `/reports` keep their own rules; a function run as its own process with `K_SINK` at the door sends it with `CCP_SINK_TOKEN_FILE=<data-dir>/ingress-token`. In the cluster the door is the Knative Broker (see `CCP_SENDER_AUTH`). A secret, redacted from logs and mails",
    // A Bearer token is one word; a short one is guessed by anything that can reach 127.0.0.1.
    parse: (raw, setting) =>
      /^[\x21-\x7e]{16,}$/.test(String(raw)) ? String(raw) : new Invalid(`must be 16 or more printable characters without spaces (${setting.env})`),
    secret: true,
    embeddedOnly: "guards the embedded runtime's own event door (ccp serve); in the cluster the door is the Broker",
  }),
  sinkTokenFile: declare({
    env: 'CCP_SINK_TOKEN_FILE',
    description:
      'the file whose token a function sends to `K_SINK` as `Authorization: Bearer` (default `/oidc/token`, where a SinkBinding mounts it with sender identity on); `<data-dir>/ingress-token` for a function run as its own process at the embedded door',
    default: '/oidc/token',
    parse: text,
    embeddedOnly: 'for tests and the embedded door; in the cluster the SinkBinding mounts the OIDC token at /oidc/token',
  }),
};

export const REGISTRY_ROWS: Record<'login', SettingGroup> = {
  login: {
    settings: [REGISTRY.username, REGISTRY.password],
    description:
      "the registry's login (both or neither): the local build backend pushes and pulls with it, and the scan, weekly-scan and dispatch functions read images with it; it is sent to that `host:port` only, never to another registry (a `FROM` base on docker.io). The password is redacted from build logs and mails. The kubernetes backend's build pods use the `CCP_K8S_REGISTRY_CREDENTIALS` Secret instead",
  },
};

const subjectsMessage = 'must name the senders (a bare * would take any ServiceAccount of the cluster)';
/** Said of a missing or bad `CCP_OIDC_ISSUER` alike. */
export const ISSUER_MESSAGE = "must be the URL of the cluster's service-account issuer (`kubectl get --raw /.well-known/openid-configuration`)";

/** Who may post CloudEvents to a function (read by the function host, outside the config file). */
export const SENDER_AUTH = {
  mode: declare({
    env: 'CCP_SENDER_AUTH',
    description: "`oidc`: a function takes only CloudEvents with the Broker's token; default `off`",
    default: 'off',
    parse: (raw) => {
      const mode = String(raw).trim() || 'off';
      return mode === 'off' || mode === 'oidc' ? mode : new Invalid(`"${mode}" is neither off nor oidc`);
    },
  }),
  issuer: declare({
    env: 'CCP_OIDC_ISSUER',
    description: "the cluster's service-account issuer",
    parse: (raw) => (URL.canParse(String(raw).trim()) ? String(raw).trim() : new Invalid(ISSUER_MESSAGE)),
  }),
  jwks: declare({
    env: 'CCP_OIDC_JWKS',
    description: "the issuer's keys, a file or URL (default `<issuer>/openid/v1/jwks`)",
    parse: (raw) => String(raw).trim(),
  }),
  jwksTokenFile: declare({ env: 'CCP_OIDC_JWKS_TOKEN_FILE', description: 'a bearer token for a JWKS URL that needs one', parse: (raw) => String(raw).trim() }),
  audience: declare({ env: 'CCP_OIDC_AUDIENCE', description: 'the audience (default `ccp-<function>`)', parse: (raw) => String(raw).trim() }),
  subjects: declare({
    env: 'CCP_OIDC_SUBJECTS',
    description: 'allowed senders, comma-separated, `*` any characters (default: the Triggers of the namespace ccp)',
    // The identities of the Triggers in the namespace ccp: Knative names each `<trigger>-oidc-<group>-<kind>`.
    default: ['system:serviceaccount:ccp:*-oidc-eventing.knative.dev-trigger'],
    parse: (raw) => {
      const subjects = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((subject) => subject.trim()).filter(Boolean);
      return subjects.length === 0 || subjects.includes('*') ? new Invalid(subjectsMessage) : subjects;
    },
  }),
};

export const SENDER_AUTH_ROWS: Record<'senderAuth', SettingGroup> = {
  senderAuth: {
    settings: [SENDER_AUTH.mode, SENDER_AUTH.issuer, SENDER_AUTH.jwks, SENDER_AUTH.jwksTokenFile, SENDER_AUTH.audience, SENDER_AUTH.subjects],
    description:
      '`oidc`: a function\'s `POST /` takes only CloudEvents with the Broker\'s Knative Eventing sender-identity token (issuer, keys as a file or URL, audience default `ccp-<function>`, allowed ServiceAccounts); default `off`. See `docs/admin-guide.md`, "Who may send events"',
  },
};
