/** A server that global-setup starts once per jest run and global-teardown stops. */
export interface TestService {
  name: string;
  /** Started only when a test file of the run matches this (a helper only its users call). */
  usedBy: RegExp;
  /** Set (in workers' environment) to the start error, so the tests that need it fail with it. */
  errorVariable: string;
  start(): Promise<StartedService>;
}

export interface StartedService {
  /** Variables for the test workers (endpoint, credentials). */
  env: Record<string, string>;
  stop(): Promise<void>;
  /** Best-effort stop for a process `exit` handler, where nothing asynchronous runs. */
  stopSync(): void;
}
