import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layerBoundaries from './eslint-rules/layer-boundaries.js';
import noBarrel from './eslint-rules/no-barrel.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.ccp/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Entry points talk to a terminal; library code logs through shared/log.
    files: ['cli/**', 'bench/**', 'scripts/**', '**/*.js', '**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    // One process runner (issue #13): service code starts processes through shared/process/run-process
    // (runProcess, runCaptured, runCommand, and filterProcess for streams), which bounds time and output
    // and kills the whole tree. Specs, fixtures, bench/ and scripts/ (dev tools) may spawn as they like.
    files: ['shared/**/*.ts', 'functions/**/*.ts', 'cli/**/*.ts'],
    ignores: [
      '**/*.spec.ts',
      '**/__fixtures__/**',
      // The runner itself.
      'shared/process/run-process.ts',
      // slirp4netns runs beside the sandbox for its whole life, wired to bwrap by extra fds and a pid; it is not a run-to-exit tool.
      'shared/sandbox/isolated-network.ts',
      // The embedded docker-registry is a daemon: it outlives the call, is stopped by pid file and dies with this process.
      'shared/registry/local-registry.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        ...['node:child_process', 'child_process'].map((name) => ({
          name,
          allowTypeImports: true,
          message:
            'start processes through shared/process/run-process (runProcess, runCaptured, runCommand, filterProcess): one runner with time limit, output bound and tree kill',
        })),
      ],
    },
  },
  {
    // The folders are the architecture: shared/ under every function, functions beside each other.
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    plugins: { ccp: { rules: { 'layer-boundaries': layerBoundaries, 'no-barrel': noBarrel } } },
    rules: { 'ccp/layer-boundaries': 'error', 'ccp/no-barrel': 'error' },
  },
  {
    // A build backend's index.ts is its plug-in entry, the one name builders/api.ts registers.
    files: ['functions/build/builders/*/index.ts'],
    rules: { 'ccp/no-barrel': 'off' },
  },
);
