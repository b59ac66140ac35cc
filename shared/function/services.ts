import type { FunctionContext, FunctionDefinition, ServiceContext } from './types';

/** A function's context with its services, and how to release them. */
export interface ContextWithServices<S extends object> {
  context: ServiceContext<S>;
  /** Releases the services (once; later calls do nothing). */
  dispose(): Promise<void>;
}

/**
 * The context `definition`'s handler gets: `base` with the services its definition declares,
 * made now. Called once per process and function (the function server at its start, the
 * in-process broker before a function's first delivery), so the services live as long as the
 * process; `dispose` at drain or shutdown releases what they hold.
 * @see ./types.ts
 */
export function withServices<S extends object>(definition: FunctionDefinition<S>, base: FunctionContext): ContextWithServices<S> {
  if (!definition.services) {
    // Without services `S` is `object`: the base context is the whole context.
    return { context: base as ServiceContext<S>, dispose: () => Promise.resolve() };
  }
  const services = definition.services(base);
  let disposed: Promise<void> | null = null;
  return {
    context: { ...base, ...services },
    dispose: () => (disposed ??= definition.disposeServices ? definition.disposeServices(services) : Promise.resolve()),
  };
}
