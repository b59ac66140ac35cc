import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { createLogger } from '../log/logger';
import { installProcessGuard, runInDeliveryScope } from './process-guard';

const REPO = path.resolve(__dirname, '..', '..');

describe('installProcessGuard', () => {
  // jest keeps the real process's events from tests: the guard is tried in a node process of its own.
  it('fails the delivery an uncaught error came from, logs it with its stack, and keeps the process alive', () => {
    const child = spawnSync(
      process.execPath,
      ['-r', path.join(REPO, 'test/scan-support/ts-register.js'), path.join(__dirname, '__fixtures__', 'guarded-child.ts')],
      { encoding: 'utf8', timeout: 30_000 },
    );
    const lines = child.stdout.trim().split('\n');
    const logged = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect([child.status, lines.filter((line) => !line.startsWith('{'))]).toEqual([
      0,
      [
        'result rejected TypeError: orphaned rejection',
        'result rejected RangeError: thrown in a timer',
        "result rejected DeliveryTimeoutError: no answer within 20 ms (the delivery's time limit)",
        'alive',
      ],
    ]);
    expect(logged.map((line) => [line.level, line.msg, line.kind, line.delivery, line.outcome, line.error])).toEqual([
      [
        'error',
        'uncaught error',
        'unhandledRejection',
        { eventId: 'e1' },
        'delivery failed',
        { name: 'TypeError', message: 'orphaned rejection', stack: expect.stringMatching(/^TypeError: orphaned rejection\n\s+at /) },
      ],
      [
        'error',
        'uncaught error',
        'uncaughtException',
        { eventId: 'e2' },
        'delivery failed',
        { name: 'RangeError', message: 'thrown in a timer', stack: expect.stringMatching(/^RangeError: thrown in a timer\n\s+at /) },
      ],
    ]);
    expect(logged.map((line) => String(line.stack).split('\n')[0])).toEqual(['TypeError: orphaned rejection', 'RangeError: thrown in a timer']);
  });

  it('logs an error outside any delivery and fails nothing; is installed once', () => {
    const lines: string[] = [];
    const target = new EventEmitter() as unknown as NodeJS.Process;
    const guard = installProcessGuard(createLogger({ write: (line) => lines.push(line) }), target);
    try {
      expect(installProcessGuard(createLogger({ write: () => undefined }), target)).toBe(guard);
      const failed: Error[] = [];
      (target as unknown as EventEmitter).emit('uncaughtException', new Error('outside'));
      void runInDeliveryScope({ fields: { eventId: 'x' }, fail: (error) => failed.push(error) }, async () => {
        (target as unknown as EventEmitter).emit('unhandledRejection', 'a string');
      });
      expect([guard.caught, failed.map((error) => error.message)]).toEqual([2, ['non-error thrown: "a string"']]);
      expect(lines.map((line) => (JSON.parse(line) as { outcome: string }).outcome)).toEqual(['logged', 'delivery failed']);
    } finally {
      guard.uninstall();
    }
    expect((target as unknown as EventEmitter).listenerCount('uncaughtException')).toBe(0);
  });
});
