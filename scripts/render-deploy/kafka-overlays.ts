import { stringify } from 'yaml';

/** The overlays of deploy/ that have a Kafka twin, and the twin's folder. */
export const KAFKA_TWINS: ReadonlyArray<{ base: string; overlay: string }> = [
  { base: 'knative', overlay: 'knative-kafka' },
  { base: 'openshift', overlay: 'openshift-kafka' },
];

/** The ConfigMap the Broker's `spec.config` names; hand-written in each overlay (this site's Kafka). */
export const KAFKA_CONFIG = { name: 'kafka-broker-config', file: 'kafka-broker-config.yaml', namespace: 'ccp' } as const;

/**
 * The generated files of one Kafka twin overlay (`deploy/overlays/<base>-kafka/`): a
 * kustomization over `../<base>` and a patch that makes the Broker `ccp` of eventing/broker.yaml
 * a Knative Broker for Apache Kafka (class `Kafka`, config {@link KAFKA_CONFIG}). The patch
 * touches the class and config only: the Broker's delivery spec (retries, backoff, dead-letter
 * sink) is kept as eventing/ says. The ConfigMap itself holds this site's bootstrap servers and
 * is written by hand beside them.
 * @see https://knative.dev/docs/eventing/brokers/broker-types/kafka-broker/
 */
export function kafkaOverlayFiles(header: string, twin: { base: string; overlay: string }): Array<{ path: string; content: string }> {
  const dir = `deploy/overlays/${twin.overlay}`;
  return [
    {
      path: `${dir}/kustomization.yaml`,
      content:
        header +
        `# deploy/overlays/${twin.base} with the Broker ccp backed by Apache Kafka (durable: an event accepted\n` +
        '# by the Broker survives restarts of the Broker pods). The Kafka settings are in kafka-broker-config.yaml.\n' +
        stringify({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          bases: [`../${twin.base}`],
          resources: [KAFKA_CONFIG.file],
          patchesStrategicMerge: ['broker-class.yaml'],
        }),
    },
    {
      path: `${dir}/broker-class.yaml`,
      content:
        header +
        '# The class of a Broker cannot change once it exists: delete the Broker ccp before applying this\n' +
        '# overlay over a cluster that ran another one (docs/admin-guide.md, "Durable delivery").\n' +
        stringify({
          apiVersion: 'eventing.knative.dev/v1',
          kind: 'Broker',
          metadata: { name: 'ccp', namespace: KAFKA_CONFIG.namespace, annotations: { 'eventing.knative.dev/broker.class': 'Kafka' } },
          spec: { config: { apiVersion: 'v1', kind: 'ConfigMap', name: KAFKA_CONFIG.name, namespace: KAFKA_CONFIG.namespace } },
        }),
    },
  ];
}
