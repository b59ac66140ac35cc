import { KNOWN_TYPES } from '../shared/events/validate';
import { FUNCTIONS } from './api';

describe('the function registry', () => {
  it.each([...FUNCTIONS.entries()])('%s is a well-formed function', (name, definition) => {
    expect(definition.name).toEqual(name);
    // The Knative Service is ccp-<name>: a DNS-1123 label of at most 63 characters.
    expect(`ccp-${name}`).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(typeof definition.handle).toBe('function');
    // A sink is delivered to directly, and a function that only serves pages (the dashboard) takes no event.
    if (definition.sink || (definition.routes && definition.accepts.length === 0)) {
      expect(definition.accepts).toEqual([]);
    } else {
      expect(definition.accepts.length).toBeGreaterThan(0);
      for (const type of definition.accepts) expect(KNOWN_TYPES).toContain(type);
    }
  });

  it.each([...FUNCTIONS.entries()])('%s: what the registry says without loading it is what its module defines', (name, definition) => {
    const loaded = definition.load();
    expect({ name: loaded.name, accepts: [...loaded.accepts].sort(), sink: loaded.sink === true, routes: typeof loaded.routes }).toEqual({
      name,
      accepts: [...definition.accepts].sort(),
      sink: definition.sink === true,
      routes: typeof definition.routes,
    });
    // Loading twice is the same module (Node's cache), not a second copy of its state.
    expect(definition.load()).toBe(loaded);
  });

  it('has every function once', () => {
    expect(FUNCTIONS.size).toEqual(new Set([...FUNCTIONS.values()].map((definition) => definition.name)).size);
  });
});
