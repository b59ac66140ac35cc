import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layerBoundaries from './eslint-rules/layer-boundaries.js';

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
    // The folders are the architecture: shared/ under every function, functions beside each other.
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    plugins: { ccp: { rules: { 'layer-boundaries': layerBoundaries } } },
    rules: { 'ccp/layer-boundaries': 'error' },
  },
);
