import { HTTP, type CloudEvent } from 'cloudevents';
import { sinkAuthorization } from './sink-token';

/**
 * POSTs `event` in binary content mode to `url` (a `K_SINK` or a broker ingress) and throws
 * when the receiver does not answer 2xx, so the caller can fail and be retried. Carries the
 * SinkBinding's OIDC token when one is mounted ({@link sinkAuthorization}).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md#31-binary-content-mode
 */
export async function sendEvent(url: string, event: CloudEvent<unknown>): Promise<void> {
  const message = HTTP.binary(event);
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...(message.headers as Record<string, string>), ...(await sinkAuthorization()) },
    body: message.body === undefined ? undefined : (message.body as string | Buffer),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status} to event ${event.id}`);
}
