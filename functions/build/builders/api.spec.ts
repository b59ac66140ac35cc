import path from 'node:path';
import { loadConfig } from '../../../shared/config/config';
import { BUILDERS, createBuilder, type BuilderConfig } from './api';

// The defaults as the loader resolves them, under /data.
const CONFIG: BuilderConfig = loadConfig({ dataDir: '/data' }, {});

describe('build backends registry', () => {
  it('registers local and kubernetes', () => {
    expect([...BUILDERS.keys()]).toEqual(['local', 'kubernetes']);
  });

  it.each([...BUILDERS.entries()])('%s makes a backend with that id and a start function', (id, factory) => {
    const builder = factory({ ...CONFIG, builder: id }, {});
    expect({ id: builder.id, start: typeof builder.start }).toEqual({ id, start: 'function' });
  });

  it('only the kubernetes backend finishes builds from events', () => {
    expect([...BUILDERS.entries()].map(([id, factory]) => [id, typeof factory(CONFIG, {}).completeFromEvent])).toEqual([
      ['local', 'undefined'],
      ['kubernetes', 'function'],
    ]);
  });

  it.each([
    ['local', 'local'],
    ['kubernetes', 'kubernetes'],
  ] as const)('createBuilder with builder %s gives %s', (builder, id) => {
    expect(createBuilder({ ...CONFIG, builder }).id).toBe(id);
  });

  it('refuses an unknown backend by name', () => {
    expect(() => createBuilder({ ...CONFIG, builder: 'docker' as never })).toThrow('no build backend "docker"; known: local, kubernetes');
  });

  it('keeps the local build folders under the work dir', () => {
    expect(path.join(CONFIG.workDir, 'builds')).toBe('/data/work/builds');
  });
});
