import { declare } from './api';
import { text } from './parsers';

/** Signing pushed images the way cosign does and attaching their SLSA provenance (functions/build/attest/). */
export const ATTESTATION = {
  keyFile: declare({
    env: 'CCP_ATTESTATION_KEY_FILE',
    description:
      "PEM file of the ECDSA P-256 private key (PKCS#8 or SEC1, unencrypted) the build function signs every pushed image with, cosign's way: a `sha256-<digest>.sig` signature manifest and a `sha256-<digest>.att` manifest of DSSE-signed in-toto statements (SLSA v1 provenance), also kept with the reports as `provenance.json` and `attestations.dsse.json`. `ccp keys generate-ecdsa` makes one. Unset, or naming a file that does not exist: images are pushed unsigned. In the cluster the build Service sets it to `/etc/ccp/signing/attestation-key.pem`, the key `attestation-key.pem` of the optional Secret `ccp-signing`, mounted into the build function only",
    parse: text,
  }),
  builderId: declare({
    env: 'CCP_ATTESTATION_BUILDER_ID',
    description:
      "the provenance's `runDetails.builder.id`: a URI naming this installation's build function, the trust boundary a verifier's policy names (default `https://github.com/centos/ccp/builder/<backend>`)",
    parse: text,
  }),
};
