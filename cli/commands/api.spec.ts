import { findCommand } from '../main';
import { COMMANDS } from './api';

describe('the command registry', () => {
  it.each(COMMANDS.map((command) => [command.name.join(' '), command] as const))('%s has a summary, a usage and a unique name', (name, command) => {
    expect(command.summary.length).toBeGreaterThan(10);
    expect(command.usage).toMatch(new RegExp(`^Usage: ccp ${name}`));
    expect(COMMANDS.filter((other) => other.name.join(' ') === name)).toHaveLength(1);
    expect(findCommand([...command.name, '--json'])).toBe(command);
  });

  it('finds nothing for an unknown command', () => {
    expect(findCommand(['index', 'frobnicate'])).toBeNull();
  });
});
