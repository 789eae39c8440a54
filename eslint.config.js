// ESLint flat config: typescript-eslint's recommended rules, plus type-aware checks that matter
// for a service (no floating or misused promises).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import lq from './eslint/own-keys-only.js';

export default tseslint.config(
  {
    ignores: ['dist/', 'coverage/', 'node_modules/', 'hubspot-app/**/node_modules/', 'hubspot-app/**/dist/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Lookups keyed by outside values (HubSpot's, a model's) read own properties only. The
    // sandbox is a test stand-in for HubSpot, fed by the tests: not held to it.
    files: ['src/**/*.ts'],
    ignores: ['src/sandbox/**'],
    plugins: { lq },
    rules: { 'lq/own-keys-only': 'error' },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node },
  },
);
