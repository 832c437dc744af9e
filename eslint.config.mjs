// ESLint flat config: typescript-eslint with type information (floating and misused promises), the
// recommended rules tuned to the codebase's deliberate patterns, and Prettier owning the formatting.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node's CommonJS globals, for the few plain JavaScript files (jest config, reporter). */
const nodeGlobals = Object.fromEntries(['module', 'require', 'process', 'console', '__dirname', 'Buffer', 'setTimeout'].map((name) => [name, 'readonly']));

export default defineConfig(
  { ignores: ['dist/', 'coverage/', '.data/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      // tsconfig.check.json covers src, migrations, bench and test.
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `let x;` assigned once after a closure that reads it is deliberate (start-up and shutdown wiring).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A promise nobody awaits loses its errors; `void promise` says "on purpose".
      '@typescript-eslint/no-floating-promises': 'error',
      // An async callback where a plain one is expected (event handlers, forEach, conditions).
      '@typescript-eslint/no-misused-promises': 'error',
      // `_`-prefixed parameters and destructured leftovers are deliberately unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests and benchmarks read GraphQL responses and raw rows, untyped on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Validation that finds control characters has to name them in its patterns.
    files: ['src/common/validation/text.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // Migrations are loaded with require() by file name, as the `Function` classes TypeORM takes.
    files: ['src/database/data-source-options.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
  {
    // The shared layer never depends on a feature: features depend on it.
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/modules/**', '**/modules'],
              message: 'src/common must not import src/modules: move the shared part into src/common (or src/database).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
