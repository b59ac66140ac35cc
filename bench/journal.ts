import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FunctionContext, FunctionDefinition } from '../shared/function/types';
import { EventTypes } from '../shared/events/types';
import { makeEvent } from '../shared/events/make';
import { silentLogger } from '../shared/log/logger';
import { InProcessBroker } from '../shared/runtime/in-process-broker';
import { NO_RETRIES } from '../shared/runtime/delivery';
import type { TriggerRoute } from '../shared/runtime/types';
import { FsObjectStore } from '../shared/store/fs-store';
import type { Bench, BenchResult } from './types';

const EVENTS = 200;
const ROUNDS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A function as small as a real one gets: it stores one report per event. */
function reportingFunction(): FunctionDefinition {
  return {
    name: 'bench',
    accepts: [EventTypes.buildRequested],
    async handle(event, context) {
      await context.store.put(`reports/bench/${event.id}.json`, JSON.stringify({ id: event.id, data: event.data }), { contentType: 'application/json' });
      return [];
    },
  };
}

const ROUTE: TriggerRoute = {
  name: 'ccp-bench',
  broker: 'ccp',
  file: 'bench',
  filterSpec: {},
  matches: () => true,
  subscriber: { service: 'ccp-bench', functionName: 'bench' },
  delivery: NO_RETRIES,
};

/** Milliseconds per event to publish and handle EVENTS events through a fresh broker on a fresh fs store. */
async function perEvent(journal: boolean): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-journal-'));
  try {
    const store = new FsObjectStore(path.join(dir, 'store'));
    const broker = new InProcessBroker({
      routes: [ROUTE],
      functions: [reportingFunction()],
      context: { store, log: silentLogger } as unknown as FunctionContext,
      store,
      journal,
    });
    const project = { appId: 'bench', jobId: 'journal', desiredTag: 'latest' };
    const started = performance.now();
    for (let i = 0; i < EVENTS; i++)
      await broker.publish(
        makeEvent(EventTypes.buildRequested, { project, buildId: `b-${i}`, cause: { kind: 'manual', message: 'bench' } }, { source: '/bench' }),
      );
    await broker.idle();
    return (performance.now() - started) / EVENTS;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The journal's cost per event: the same events through the embedded broker with the journal
 * (one put before publish resolves, one delete when handled) and without, on the fs store, with
 * a handler that stores one report; rounds interleaved, medians compared.
 */
export const journalBench: Bench = async () => {
  const withJournal: number[] = [];
  const without: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    without.push(await perEvent(false));
    withJournal.push(await perEvent(true));
  }
  const on = median(withJournal);
  const off = median(without);
  const results: BenchResult[] = [
    { name: 'event handled, journal off (fs store, 1 report put)', value: off, unit: 'ms/event', note: `median of ${ROUNDS} rounds of ${EVENTS} events` },
    { name: 'event handled, journal on', value: on, unit: 'ms/event', note: `+${(on - off).toFixed(2)} ms per event` },
    { name: 'journal cost: handling time on / off', value: on / off, unit: 'x' },
  ];
  return results;
};
