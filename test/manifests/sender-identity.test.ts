import { packageRoot } from '../../shared/config/package-root';
import { readManifestDocuments } from './read-manifests';

/**
 * With Knative Eventing's sender identity on, the Broker's filter sends each Trigger's events with
 * a token for `subscriber.audience`, minted for the Trigger's own ServiceAccount
 * `<trigger>-oidc-eventing.knative.dev-trigger` (kmeta.ChildName: that exact name while it fits in
 * 63 characters). The functions accept the audience `ccp-<function>` (CCP_OIDC_AUDIENCE's default),
 * so every Trigger to a ccp Service must name it, and the dead-letter sinks theirs.
 * @see https://knative.dev/docs/eventing/features/sender-identity/
 */
const documents = readManifestDocuments(packageRoot(), ['eventing']);

interface Destination {
  ref?: { apiVersion?: string; kind?: string; name?: string };
  audience?: string;
}
interface EventingObject {
  kind?: string;
  metadata?: { name?: string };
  spec?: { subscriber?: Destination; delivery?: { deadLetterSink?: Destination } };
}

const objects = documents.map((document) => ({ where: document.where, object: document.object as EventingObject | null }));
const triggers = objects.filter(({ object }) => object?.kind === 'Trigger');
const destinations = objects.flatMap(({ where, object }) => [
  ...(object?.spec?.subscriber ? [{ where: `${where} subscriber`, destination: object.spec.subscriber }] : []),
  ...(object?.spec?.delivery?.deadLetterSink ? [{ where: `${where} deadLetterSink`, destination: object.spec.delivery.deadLetterSink }] : []),
]);
const toServices = destinations.filter(({ destination }) => destination.ref?.apiVersion === 'serving.knative.dev/v1' && destination.ref.kind === 'Service');

describe('every delivery to a ccp function names the audience the function checks', () => {
  it('finds the Triggers and the Broker dead-letter sink', () => {
    expect([triggers.length > 10, toServices.some(({ where }) => where.startsWith('eventing/broker.yaml'))]).toEqual([true, true]);
  });

  it.each(toServices.map(({ where, destination }) => [where, destination] as const))('%s', (_where, destination) => {
    expect(destination.audience).toEqual(destination.ref!.name);
  });

  it.each(triggers.map(({ object }) => [object!.metadata!.name!] as const))("Trigger %s's OIDC ServiceAccount name is not shortened", (name) => {
    expect(`${name}-oidc-eventing.knative.dev-trigger`.length).toBeLessThanOrEqual(63);
  });
});
