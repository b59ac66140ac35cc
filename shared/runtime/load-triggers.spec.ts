import path from 'node:path';
import { ValidationError } from '../errors/validation-error';
import { buildRequested, scanRequested } from '../../test/support/test-functions';
import { makeEvent } from '../events/make';
import { loadTriggers } from './load-triggers';

const fixtures = path.join(__dirname, '__fixtures__');

async function loadError(dir: string): Promise<ValidationError> {
  try {
    await loadTriggers(dir);
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error(`${dir} loaded without error`);
}

describe('loadTriggers', () => {
  it("reads the project's own eventing/ folder: the lint Trigger with the Broker's delivery", async () => {
    const routes = await loadTriggers(path.join(__dirname, '../../eventing'));
    const lint = routes.find((route) => route.name === 'ccp-lint');
    expect(lint).toMatchObject({
      broker: 'ccp',
      subscriber: { service: 'ccp-lint', functionName: 'lint' },
      filterSpec: { attributes: { type: 'org.centos.ccp.build.requested' } },
      delivery: {
        retry: 5,
        backoffPolicy: 'exponential',
        backoffDelayMs: 1000,
        deadLetterSink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'ccp-dead-letter' } },
      },
    });
    expect(lint!.matches(buildRequested('1'))).toBe(true);
    expect(lint!.matches(scanRequested('1'))).toBe(false);
  });

  it('reads multi-document files, skips other kinds, and lets a Trigger override the delivery', async () => {
    const routes = await loadTriggers(path.join(fixtures, 'eventing-good'));
    expect(routes.map((route) => [route.name, route.broker, route.subscriber.functionName, route.delivery])).toEqual([
      ['ccp-lint', 'ccp', 'lint', { retry: 3, backoffPolicy: 'linear', backoffDelayMs: 500, deadLetterSink: { uri: 'http://dead-letter.example/' } }],
      ['ccp-notify-build', 'ccp', 'notify', { retry: 1, backoffPolicy: 'exponential', backoffDelayMs: 2000, timeoutMs: 30_000 }],
      ['ccp-archive', 'other', 'archive', { retry: 0, backoffPolicy: 'exponential', backoffDelayMs: 0 }],
    ]);
    const notify = routes[1]!;
    const lintCompleted = makeEvent('org.centos.ccp.tick.weekly', undefined, { source: '/t', id: '1' }).cloneWith({ type: 'org.centos.ccp.lint.completed' });
    expect([notify.matches(lintCompleted), notify.matches(buildRequested('1'))]).toEqual([true, false]);
    expect(routes[0]!.file).toBe(path.join(fixtures, 'eventing-good/triggers/lint.yaml'));
  });

  it('names file, line and field of every problem', async () => {
    const error = await loadError(path.join(fixtures, 'eventing-bad'));
    expect(error).toBeInstanceOf(ValidationError);
    const bad = path.join(fixtures, 'eventing-bad/bad.yaml');
    expect(error.errors).toEqual(
      expect.arrayContaining([
        { file: bad, line: 9, column: 9, field: 'spec.filters[0].exact', message: 'exact needs exactly one attribute: value pair' },
        { file: bad, line: 12, column: 5, field: 'spec.subscriber.ref', message: expect.stringContaining('must reference the Knative Service') },
        { file: bad, line: 14, column: 12, field: 'spec.delivery.retry', message: 'must be a whole number, 0 or more' },
        { file: bad, line: 15, column: 19, field: 'spec.delivery.backoffDelay', message: expect.stringContaining('"1s" is not an ISO 8601 duration') },
        { file: bad, line: 19, column: 11, field: 'metadata.name', message: 'is required' },
        { file: bad, line: 21, column: 3, field: 'spec.broker', message: 'must name the Broker' },
        { file: bad, line: 25, column: 13, field: 'spec.subscriber.ref.name', message: 'must be "ccp-<function>"' },
        expect.objectContaining({ file: path.join(fixtures, 'eventing-bad/syntax.yaml'), line: 6, column: 1, field: '' }),
      ]),
    );
    expect(error.errors).toHaveLength(8);
  });

  it('refuses the cesql dialect with a clear error', async () => {
    const error = await loadError(path.join(fixtures, 'eventing-cesql'));
    expect(error.errors).toEqual([
      {
        file: path.join(fixtures, 'eventing-cesql/trigger.yaml'),
        line: 8,
        column: 14,
        field: 'spec.filters[0].cesql',
        message: 'the cesql dialect is not supported by the embedded broker; use exact, prefix, suffix, all, any or not',
      },
    ]);
  });

  it('names the folder it cannot read', async () => {
    const error = await loadError(path.join(fixtures, 'no-such-folder'));
    expect(error.errors[0]).toMatchObject({ file: path.join(fixtures, 'no-such-folder'), field: '' });
  });
});
