import type { Static, TSchema } from '@sinclair/typebox';

/**
 * One event type's contract, the single declaration everything else is derived from: the
 * TypeScript type of its data (`Static`), the check at the doors (`validateEvent`), the typed
 * accessor (`dataOf`), the JSON Schema and Knative EventType in eventing/, and the README table.
 */
export interface EventContract<T extends string = string, S extends TSchema = TSchema, O extends boolean = boolean> {
  /** The full CloudEvent type, `org.centos.ccp.<name>`. */
  type: T;
  /** What the event says happened or asks for (the EventType's description). */
  description: string;
  /** Who sends it, for people (the README's "emitted by"). */
  emittedBy: string;
  /** The functions whose Triggers take it, for people (the README's "consumed by"). */
  consumedBy: string;
  /** The shape of `data`. */
  data: S;
  /** True when the event may carry no data at all (ticks). */
  dataOptional: O;
  /** A valid `data`, published with the schema and checked by the contract spec. */
  example: O extends true ? Static<S> | undefined : Static<S>;
}

/** The type of `data` a contract promises handlers. */
export type DataOf<C> = C extends EventContract<string, infer S, infer O> ? (O extends true ? Static<S> | undefined : Static<S>) : never;

/**
 * Declares an event type's contract; the identity, typed so `type` and `dataOptional` stay literal.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#type
 */
export function defineContract<const T extends string, S extends TSchema, const O extends boolean = false>(
  contract: Omit<EventContract<T, S, O>, 'dataOptional'> & { dataOptional?: O },
): EventContract<T, S, O> {
  return { ...contract, dataOptional: (contract.dataOptional ?? false) as O };
}
