// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '.stryker-tmp/**', 'reports/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // One access path (DESIGN.md §4, CONVENTIONS.md example 9): only src/access makes council
    // scopes, and use cases reach council data through AccessService.use — never by opening a
    // council transaction or writing audit events themselves. (The audit reports, the login
    // fan-out and the platform's per-council read records still do; the CLI verifies on a bare
    // connection by design.)
    files: ['src/**/*.ts'],
    ignores: [
      'src/access/**',
      'src/database/**',
      'src/cli/**',
      'src/audit/**',
      'src/auth/**',
      'src/platform/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/access/council-scope'],
              importNames: ['sealScope', 'sealRegister', 'sealPublic'],
              message: 'Only src/access creates scopes: go through AccessService.use.',
            },
            {
              group: ['**/database/council-transactions'],
              message: 'Use cases open no transaction of their own: go through AccessService.use.',
            },
            {
              group: ['**/audit/audit.service'],
              message: 'The access primitive writes the audit event: return what was disclosed.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "Literal[value=/set_config\\('app\\.council_id'/]",
          message: 'Only src/access sets app.council_id.',
        },
        {
          selector: "TemplateElement[value.raw=/set_config\\('app\\.council_id'/]",
          message: 'Only src/access sets app.council_id.',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
