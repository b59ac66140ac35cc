import path from 'node:path';
import { recordingFunction, testContext } from '../support/test-functions';
import { EventTypes } from '../../shared/events/types';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { loadTriggers } from '../../shared/runtime/load-triggers';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import type { ObjectStore } from '../../shared/store/types';
import { GLOBAL_SECRET, githubHeaders, githubPush, post, settings, startGateway } from './harness';

const EVENTING = path.join(__dirname, '__fixtures__', 'eventing');

/**
 * A real in-process broker on `store` routing git.push to a recording function, behind the
 * gateway remembering its deliveries in `store`. The broker delivers at least once and
 * deduplicates nothing (as Knative's), so what the recorder gets once is the gateway's doing.
 */
async function pipeline(store: ObjectStore) {
  const recorder = recordingFunction('recorder', [EventTypes.gitPush]);
  const broker = new InProcessBroker({ routes: await loadTriggers(EVENTING), functions: [recorder], context: testContext(store), store });
  const gateway = await startGateway(settings(), (event) => broker.publish(event), store);
  return { recorder, broker, gateway };
}

describe('webhook redelivery through the in-process broker', () => {
  // A new delivery id is a new event for the gateway; whether its commit builds again is the
  // dispatcher's replay check (functions/dispatch/accepted-pushes.spec.ts, README "Replays").
  it('delivers a GitHub delivery once however often it is redelivered, and a new delivery again', async () => {
    const { recorder, broker, gateway } = await pipeline(new TempObjectStore());
    try {
      const body = githubPush();
      const answers = [];
      for (const delivery of ['d-100', 'd-100', 'd-100', 'd-101']) {
        const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET, 'push', delivery));
        answers.push([sent.status, Object.keys(sent.body)[0]]);
        await broker.idle();
      }
      expect(answers).toEqual([
        [202, 'published'],
        [202, 'duplicate'],
        [202, 'duplicate'],
        [202, 'published'],
      ]);
      expect(recorder.received.map((event) => event.id)).toEqual(['d-100', 'd-101']);
      expect(gateway.logs.filter((line) => line.msg === 'webhook').map((line) => line.outcome)).toEqual(['published', 'duplicate', 'duplicate', 'published']);
    } finally {
      await gateway.close();
    }
  });

  it('still drops the redelivery after a restart, the markers being in the object store', async () => {
    const store = new TempObjectStore();
    const body = githubPush();
    const answers: Array<[number, string | undefined]> = [];
    const first = await pipeline(store);
    try {
      const sent = await post(`${first.gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET, 'push', 'd-200'));
      answers.push([sent.status, Object.keys(sent.body)[0]]);
      await first.broker.idle();
    } finally {
      await first.gateway.close();
    }
    const second = await pipeline(store);
    try {
      const sent = await post(`${second.gateway.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET, 'push', 'd-200'));
      answers.push([sent.status, Object.keys(sent.body)[0]]);
      await second.broker.idle();
    } finally {
      await second.gateway.close();
    }
    // The answers say which side went wrong when this fails: the first publish, or the marker.
    expect([answers, first.recorder.received.length, second.recorder.received.length, first.gateway.logs.filter((line) => line.level !== 'info')]).toEqual([
      [
        [202, 'published'],
        [202, 'duplicate'],
      ],
      1,
      0,
      [],
    ]);
  });

  it('publishes nothing to the broker for a forged delivery', async () => {
    const { recorder, broker, gateway } = await pipeline(new TempObjectStore());
    try {
      const body = githubPush();
      const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, 'forged'));
      await broker.idle();
      expect([sent.status, recorder.received.length]).toEqual([401, 0]);
    } finally {
      await gateway.close();
    }
  });
});
