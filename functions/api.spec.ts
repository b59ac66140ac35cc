import { KNOWN_TYPES } from '../shared/events';
import { FUNCTIONS } from './api';

describe('the function registry', () => {
  it.each([...FUNCTIONS.entries()])('%s is a well-formed function', (name, definition) => {
    expect(definition.name).toEqual(name);
    // The Knative Service is ccp-<name>: a DNS-1123 label of at most 63 characters.
    expect(`ccp-${name}`).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(typeof definition.handle).toBe('function');
    if (definition.sink) {
      expect(definition.accepts).toEqual([]);
    } else {
      expect(definition.accepts.length).toBeGreaterThan(0);
      for (const type of definition.accepts) expect(KNOWN_TYPES).toContain(type);
    }
  });

  it('has every function once', () => {
    expect(FUNCTIONS.size).toEqual(new Set([...FUNCTIONS.values()].map((definition) => definition.name)).size);
  });
});
