/**
 * The deliveries a function server has in flight, and whether it still takes new ones. Knative
 * scales a Service down by sending its pod SIGTERM and killing it after the grace period: the
 * entry closes the gate (new deliveries are answered 503, which the broker retries on another
 * pod) and waits for the ones in flight before it exits.
 * @see https://knative.dev/docs/serving/services/configure-requests-limits-services/
 * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution
 */
export class DeliveryGate {
  #inFlight = 0;
  #closed = false;
  #idle: (() => void)[] = [];

  /** Deliveries being handled right now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** True once {@link close} was called: no new delivery is taken. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Counts a delivery in; `false` (not counted) when the gate is closed and it must be refused. */
  enter(): boolean {
    if (this.#closed) return false;
    this.#inFlight += 1;
    return true;
  }

  /** Counts a delivery out (once per successful {@link enter}). */
  leave(): void {
    this.#inFlight -= 1;
    if (this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
  }

  /**
   * Takes no new delivery from now on and resolves with the number still in flight once none
   * is (0) or after `graceMs` (the deliveries abandoned; the broker redelivers them).
   */
  close(graceMs: number): Promise<number> {
    this.#closed = true;
    if (this.#inFlight === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.#inFlight), graceMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve(0);
      });
    });
  }
}
