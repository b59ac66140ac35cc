import { createLogger } from './logger';

function capture(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: 'debug', write: (line) => lines.push(line) }) };
}

function thrown(): Error {
  try {
    JSON.parse('{');
  } catch (error) {
    return new Error('could not read the state file', { cause: error });
  }
  throw new Error('JSON.parse took a broken document');
}

describe('createLogger with errors in the fields', () => {
  it('logs an Error with its stack, code and cause, as one JSON line', () => {
    const { lines, log } = capture();
    const error = Object.assign(thrown(), { code: 'ESTATE' });
    log.error('state unreadable', { error, project: 'team/web:latest' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const line = JSON.parse(lines[0]!) as {
      level: string;
      msg: string;
      project: string;
      error: { name: string; message: string; code: string; stack: string; cause: { name: string; stack: string } };
    };
    expect([line.level, line.msg, line.project]).toEqual(['error', 'state unreadable', 'team/web:latest']);
    expect([line.error.name, line.error.message, line.error.code]).toEqual(['Error', 'could not read the state file', 'ESTATE']);
    expect(line.error.stack.split('\n')[0]).toEqual('Error: could not read the state file');
    expect(line.error.stack).toContain('logger.spec.ts');
    expect(line.error.cause.name).toEqual('SyntaxError');
    expect(line.error.cause.stack.split('\n')[0]).toMatch(/^SyntaxError: /);
  });

  it('serialises nested errors and an AggregateError, and stops at a cause cycle', () => {
    const { lines, log } = capture();
    const looped = new Error('a');
    (looped as { cause?: unknown }).cause = looped;
    log.warn('both failed', { failures: new AggregateError([new TypeError('one'), new RangeError('two')], 'two failures'), looped });
    const line = JSON.parse(lines[0]!) as { failures: { errors: { name: string }[] }; looped: Record<string, unknown> };
    expect(line.failures.errors.map((item) => item.name)).toEqual(['TypeError', 'RangeError']);
    let depth = 0;
    for (let cause: Record<string, unknown> | undefined = line.looped; cause; cause = cause.cause as Record<string, unknown> | undefined) depth++;
    expect(depth).toEqual(7);
  });
});
