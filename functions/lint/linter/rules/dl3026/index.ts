import type { Rule } from '../../../../../shared/dockerfile/types';

/** `*.example.com` matches any sub-domain of example.com; other patterns match exactly. */
function registryMatches(pattern: string, registry: string): boolean {
  return pattern.startsWith('*.') ? registry.endsWith(pattern.slice(1)) : pattern === registry;
}

/**
 * DL3026: Use only an allowed registry in the FROM image
 * @see https://github.com/hadolint/hadolint/wiki/DL3026
 */
export const rule: Rule = {
  id: 'DL3026',
  severity: 'error',
  summary: 'Use only an allowed registry in the FROM image',
  check: (context) => {
    const trusted = context.trustedRegistries;
    if (trusted.length === 0) return [];
    return context.stages
      .filter((stage, index) => {
        if (stage.image === 'scratch' || stage.image.startsWith('$')) return false;
        if (context.stages.slice(0, index).some((earlier) => earlier.alias === stage.image.toLowerCase())) return false;
        const registry = stage.registry ?? 'docker.io';
        const names = stage.registry ? [registry] : ['docker.io', 'hub.docker.com'];
        return !names.some((name) => trusted.some((pattern) => registryMatches(pattern, name)));
      })
      .map((stage) => ({ line: stage.line }));
  },
};
