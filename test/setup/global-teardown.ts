import { stopAll } from './services';

/**
 * Stops what global-setup started (only the processes it started, from their pid files).
 * @see https://jestjs.io/docs/configuration#globalteardown-string
 */
export default async function globalTeardown(): Promise<void> {
  await stopAll();
}
