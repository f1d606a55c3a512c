// ESLint for the code that is never published: dev/, test/ and the root scripts. The shipped package (package.json,
// nodes/, credentials/) is linted by the root eslint.config.mjs, which is n8n-node's default config verbatim (strict
// mode checks that); dev/eslint.config.mjs and test/eslint.config.mjs hand their folders to this one, found through
// ESLint's config lookup from the linted file (`ESLINT_FLAGS=unstable_config_lookup_from_file`, set by npm run lint).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `root`: the folder of the eslint.config.mjs that uses this (typescript-eslint wants one tsconfig root per config). */
export function toolingConfig({ root, jest = false }) {
	return defineConfig(
		globalIgnores(['**/*.d.ts', '**/node_modules/']),
		{
			name: 'tooling/typescript',
			files: ['**/*.{ts,mts,cts}'],
			extends: [js.configs.recommended, tseslint.configs.recommended],
			languageOptions: { globals: { ...globals.node, ...(jest ? globals.jest : {}) } },
			rules: {
				'prefer-spread': 'off',
				'@typescript-eslint/no-unused-vars': [
					'error',
					{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
				],
			},
		},
		{
			name: 'tooling/javascript-commonjs',
			files: ['**/*.{js,cjs}'],
			extends: [js.configs.recommended, tseslint.configs.recommended],
			languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...(jest ? globals.jest : {}) } },
			rules: { '@typescript-eslint/no-require-imports': 'off' },
		},
		{
			name: 'tooling/javascript-esm',
			files: ['**/*.mjs'],
			extends: [js.configs.recommended, tseslint.configs.recommended],
			languageOptions: { sourceType: 'module', globals: { ...globals.node } },
		},
		{ name: 'tooling/tsconfig-root', languageOptions: { parserOptions: { tsconfigRootDir: root } } },
	);
}
