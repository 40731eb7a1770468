/**
 * ESLint: a small ruleset that catches real bugs, not style (docs/architecture.md, Checks).
 * TypeScript and Svelte files are linted with type information (the two tsconfigs cover src/,
 * tests/, bench/, build/, scripts/ and the configs), so a promise nobody awaits or handles is an
 * error; plain .mjs scripts get the untyped rules.
 */
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const bugs = {
  'no-unused-vars': 'off',
  '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'lib/**', 'node_modules/**', 'coverage/**', 'docs/**', 'static/**', 'src/kms/model/shapes.generated.ts'] },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.svelte'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.tests.json'],
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
      globals: { ...globals.browser, ...globals.node },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      ...bugs,
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'no-unreachable': 'error',
      'no-dupe-keys': 'error',
      'no-self-assign': 'error',
      'no-cond-assign': 'error',
    },
  },
  ...svelte.configs['flat/recommended'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: {
      // a Set or Map that is not state (a local, a cache) is fine; svelte's reactive ones are for state
      'svelte/prefer-svelte-reactivity': 'off',
      // {' '} keeps a space at a block's edge: a layout choice, not a bug
      'svelte/no-useless-mustaches': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: { ...bugs, 'no-undef': 'error', 'no-unreachable': 'error', 'no-dupe-keys': 'error' },
  },
);
