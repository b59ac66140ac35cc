import type { CcpEventType } from '../types';
import { buildCompleted } from './build-completed';
import { buildRequested } from './build-requested';
import type { DataOf, EventContract } from './define';
import { gitPush } from './git-push';
import { imagePushed } from './image-pushed';
import { indexChanged } from './index-changed';
import { lintCompleted } from './lint-completed';
import { noticeRequested } from './notice-requested';
import { osvAdvisoryChanged } from './osv-advisory-changed';
import { rpmRepoChanged } from './rpm-repo-changed';
import { scanCompleted } from './scan-completed';
import { scanRequested } from './scan-requested';
import { tickOsvRefresh } from './tick-osv-refresh';
import { tickRepoPoll } from './tick-repo-poll';
import { tickWeekly } from './tick-weekly';

/**
 * Every event type of the service, in the order the README lists them: the registry the
 * doors' check, the typed accessor, the generator of eventing/ and the README read.
 */
export const CONTRACTS = [
  buildRequested,
  lintCompleted,
  buildCompleted,
  imagePushed,
  scanRequested,
  scanCompleted,
  gitPush,
  indexChanged,
  rpmRepoChanged,
  osvAdvisoryChanged,
  noticeRequested,
  tickWeekly,
  tickRepoPoll,
  tickOsvRefresh,
] as const;

type Contracts = (typeof CONTRACTS)[number];

/** Maps each type to the shape of its `data`. */
export type EventDataMap = { [C in Contracts as C['type']]: DataOf<C> };

// Every type of `EventTypes` has a contract and no contract has a type outside it.
type Missing = Exclude<CcpEventType, Contracts['type']>;
const everyTypeHasAContract: [Missing] extends [never] ? true : Missing = true;
void everyTypeHasAContract;

const BY_TYPE: ReadonlyMap<string, EventContract> = new Map(CONTRACTS.map((contract) => [contract.type, contract as EventContract]));

/**
 * The contract of `type`, or undefined for a type the service does not declare.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#type
 */
export function contractOf(type: string): EventContract | undefined {
  return BY_TYPE.get(type);
}
