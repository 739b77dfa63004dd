// One ESLint run for the whole repository: `npm run lint`.
//
// The dependency direction (see the README's layout) is enforced by Nx's module-boundary rule on the
// tags each package.json declares under "nx": apps depend only on shared libraries, the journey model
// on nothing of ours, plugins only on the plugin contract. The rule reads the project graph Nx caches
// in .nx/; `npm run lint` refreshes it first, so a clean clone lints the same as a warm one.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const sourceFiles = ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'];

/** @type {{ sourceTag: string; onlyDependOnLibsWithTags: string[] }[]} */
const depConstraints = [
  { sourceTag: 'scope:backend', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:frontend', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  // An empty list: the journey model may import no project of the repository at all.
  { sourceTag: 'type:model', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:plugin', onlyDependOnLibsWithTags: ['type:plugin-contract'] },
  // Test tooling (fakes, test harnesses) may use anything; only specs and tools may import it.
  { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['*'] },
];

/** The same constraints, each also allowing the test tooling. */
function withTooling(constraints) {
  return constraints.map((c) =>
    c.onlyDependOnLibsWithTags.includes('*') ? c : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'scope:tooling'] },
  );
}

export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.nx/**',
      '**/coverage/**',
      // Generated code: the OpenAPI client and anything a generator writes.
      '**/generated/**',
      '**/*.generated.*',
      '**/*.gen.*',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: sourceFiles,
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `_`-prefixed parameters and destructured leftovers are deliberate (interface shapes, omitting keys).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: sourceFiles,
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints }],
    },
  },
  {
    // Tests (and the API's test support) may also import the test tooling: @itinera/fakes and
    // @itinera/testing (tagged scope:tooling). Runtime code may not.
    files: ['**/*.spec.{ts,tsx}', 'apps/api/src/testing/**'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: withTooling(depConstraints) }],
    },
  },
  {
    // Infrastructure (config, database, queue, logging…) sits below the business modules.
    files: ['apps/api/src/infra/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.{1,2}/(.*/)?modules(/|$)',
              message: 'apps/api/src/infra may not import from apps/api/src/modules: infrastructure sits below the business modules.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/admin/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
);
