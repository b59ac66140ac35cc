import { HTTP } from 'cloudevents';
import { buildRequested, recordingFunction, relayFunction, testContext } from '../support/test-functions';
import type { FunctionDefinition } from '../../shared/function/types';
import { ValidationError } from '../../shared/errors/validation-error';
import { EventTypes } from '../../shared/events/types';
import { createBrokerIngress } from '../../shared/host/broker-ingress';
import { listen, type RunningServer } from '../../shared/host/listen';
import { serveFunctionFromEnv } from '../../shared/host/serve-from-env';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { type TriggerRoute } from '../../shared/runtime/types';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { compileAttributesFilter } from '../../shared/runtime/filters/api';

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function typeRoute(functionName: string, type: string): TriggerRoute {
  const name = `ccp-${functionName}`;
  return {
    name,
    broker: 'ccp',
    file: 'test',
    filterSpec: { attributes: { type } },
    matches: compileAttributesFilter({ type }, 'test', 'spec.filter.attributes', []),
    subscriber: { service: name, functionName },
    delivery: { retry: 0, backoffPolicy: 'exponential', backoffDelayMs: 0 },
  };
}

async function brokerWithIngress(functions: FunctionDefinition[], routes: TriggerRoute[]): Promise<{ broker: InProcessBroker; url: string }> {
  const store = new TempObjectStore();
  const broker = new InProcessBroker({ routes, functions, context: testContext(store), store });
  const server = await listen(createBrokerIngress(broker), { port: 0 });
  servers.push(server);
  return { broker, url: server.url };
}

describe('relay test function (unit, handle called directly)', () => {
  it('emits one scan.requested per build.requested', async () => {
    const emitted = await relayFunction().handle(buildRequested('e-1'), testContext(new TempObjectStore()));
    expect(emitted.map((event) => [event.id, event.type])).toEqual([['e-1-scan', EventTypes.scanRequested]]);
  });
});

describe('broker ingress (integration, 127.0.0.1)', () => {
  it.each([
    ['binary', HTTP.binary],
    ['structured', HTTP.structured],
  ])('accepts a %s-mode event with 202 and routes it through the broker', async (_mode, encode) => {
    const relay = relayFunction();
    const scanner = recordingFunction('scanner', []);
    const { broker, url } = await brokerWithIngress(
      [relay, scanner],
      [typeRoute('relay', EventTypes.buildRequested), typeRoute('scanner', EventTypes.scanRequested)],
    );
    const message = encode(buildRequested('e-1'));
    const response = await fetch(url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
    expect(response.status).toBe(202);
    await broker.idle();
    expect(scanner.received.map((event) => event.id)).toEqual(['e-1-scan']);
  });

  it('refuses an invalid event with 400 and publishes nothing', async () => {
    const relay = relayFunction();
    const { broker, url } = await brokerWithIngress([relay], [typeRoute('relay', EventTypes.buildRequested)]);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'ce-id': '1', 'ce-source': '/t', 'ce-type': EventTypes.buildRequested, 'ce-specversion': '1.0', 'content-type': 'application/json' },
      body: '{"cause": {"kind": "manual", "message": "m"}}',
    });
    expect([response.status, await response.json()]).toEqual([
      400,
      { error: expect.any(String), errors: [{ field: 'data.project', message: 'must be an object' }] },
    ]);
    await broker.idle();
    expect(relay.received).toEqual([]);
  });
});

describe('serveFunctionFromEnv (integration, 127.0.0.1)', () => {
  it('serves the FUNCTION on PORT and sends emitted events to K_SINK (here the broker ingress)', async () => {
    const scanner = recordingFunction('scanner', []);
    const { broker, url: ingress } = await brokerWithIngress([scanner], [typeRoute('scanner', EventTypes.scanRequested)]);
    const relay = relayFunction();
    const server = await serveFunctionFromEnv({
      functions: [relay, scanner],
      createContext: () => testContext(new TempObjectStore()),
      env: { FUNCTION: 'relay', PORT: '0', HOST: '127.0.0.1', K_SINK: ingress },
    });
    servers.push(server);
    expect(server.definition.name).toBe('relay');
    const message = HTTP.binary(buildRequested('e-1'));
    const response = await fetch(server.url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
    expect(response.status).toBe(202);
    await broker.idle();
    expect(scanner.received.map((event) => event.id)).toEqual(['e-1-scan']);
  });

  it.each([
    [{}, 'FUNCTION', 'must name one of relay'],
    [{ FUNCTION: 'nope' }, 'FUNCTION', '"nope" is not one of relay'],
    [{ FUNCTION: 'relay', PORT: 'http' }, 'PORT', '"http" is not a port number'],
    [{ FUNCTION: 'relay', PORT: '0', K_SINK: 'not a url' }, 'K_SINK', '"not a url" is not a URL'],
  ])('refuses env %j naming %s', async (env, field, message) => {
    const attempt = serveFunctionFromEnv({ functions: [relayFunction()], createContext: () => testContext(new TempObjectStore()), env });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ errors: [{ field, message }] });
  });
});
