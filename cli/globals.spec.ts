import { ValidationError } from '../shared/errors/validation-error';
import { extractGlobalOptions } from './globals';

describe('extractGlobalOptions', () => {
  it.each([
    [['lint', 'Dockerfile'], {}, ['lint', 'Dockerfile']],
    [['--data-dir', '/d', 'lint', 'x'], { dataDir: '/d' }, ['lint', 'x']],
    [['run', '--registry=127.0.0.1:5000', '--once'], { registry: '127.0.0.1:5000' }, ['run', '--once']],
    [['index', 'validate', 'dir', '--config', 'c.yaml', '--json'], { config: 'c.yaml' }, ['index', 'validate', 'dir', '--json']],
  ])('splits %j', (argv, globals, rest) => {
    expect(extractGlobalOptions(argv)).toEqual({ globals, rest });
  });

  it.each([[['--data-dir']], [['--registry=']]])('rejects a flag without a value in %j', (argv) => {
    expect(() => extractGlobalOptions(argv)).toThrow(ValidationError);
  });
});
