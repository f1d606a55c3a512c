// ESLint 9 flat config.
//
// Shipped code (package.json, nodes/, credentials/) gets what n8n applies to a community package:
// the rules of `n8n-node lint` (@n8n/node-cli) and of the verification scanner
// (@n8n/scan-community-package), i.e. @n8n/eslint-plugin-community-nodes `recommended` (the set WITH
// the n8n Cloud rules no-restricted-imports / no-restricted-globals), no-console as an error, and the
// community / credentials / nodes rule sets of eslint-plugin-n8n-nodes-base with the same rules
// turned off as n8n turns off.
//
// Everything else (dev/, test/, root scripts) gets plain eslint + typescript-eslint recommended.
//
// `npm run lint` (dev/lint/run.js) runs this config on the tree, then the scanner's own config
// (dev/lint/scan-config.mjs) with inline `eslint-disable` comments ignored, as the scanner does, on
// the shipped sources and on the compiled JS + package.json of the `npm pack` tarball.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SHIPPED_CODE = ['nodes/**/*.{ts,js}', 'credentials/**/*.{ts,js}'];
// Same set as the scanner's source leg: package.json + {nodes,credentials}/**/*.{js,ts,json}.
const SHIPPED = ['package.json', ...SHIPPED_CODE, 'nodes/**/*.json', 'credentials/**/*.json'];

export default defineConfig(
	globalIgnores([
		'dist/',
		'node_modules/',
		'coverage/',
		'demo-output/',
		'bench-output/',
		'.tmp/',
		'**/*.d.ts',
		'package-lock.json',
	]),

	// ---- Shipped code -------------------------------------------------------------------------
	{
		name: 'shipped/parser',
		files: SHIPPED,
		languageOptions: {
			// The package.json rules walk a TSESTree ObjectExpression: JSON needs the TS parser too.
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
	},
	{
		// What `n8n-node lint` puts on every .ts file besides the n8n rules.
		name: 'shipped/base',
		files: SHIPPED_CODE,
		extends: [js.configs.recommended, tseslint.configs.recommended],
		rules: { 'prefer-spread': 'off' },
	},
	{
		name: 'shipped/community-nodes-recommended',
		files: SHIPPED,
		extends: [n8nCommunityNodesPlugin.configs.recommended],
		rules: { 'no-console': 'error' },
	},
	{ name: 'shipped/n8n-nodes-base-plugin', plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{
		name: 'shipped/package-json',
		files: ['package.json'],
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		name: 'shipped/credentials',
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Off in n8n-node lint and in the scanner: not valid for community nodes.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// Off in both: community-nodes/credential-password-field is the more accurate check.
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		// All of nodes/ (node files, nodes/shared helpers, descriptions split into other files), like
		// the scanner's `**/nodes/**/*.ts`.
		name: 'shipped/nodes',
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Off in n8n-node lint and in the scanner: inputs/outputs use NodeConnectionTypes.Main.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// Off in both: an API may really have a maximum, so typeOptions.maxValue is valid.
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},

	// ---- Development code (never published) ---------------------------------------------------
	{
		name: 'dev/typescript',
		files: ['**/*.{ts,mts,cts}'],
		ignores: SHIPPED_CODE,
		extends: [js.configs.recommended, tseslint.configs.recommended],
		languageOptions: { globals: { ...globals.node } },
		rules: {
			'prefer-spread': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
			],
		},
	},
	{
		name: 'dev/javascript-commonjs',
		files: ['**/*.{js,cjs}'],
		ignores: SHIPPED_CODE,
		extends: [js.configs.recommended, tseslint.configs.recommended],
		languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
		rules: { '@typescript-eslint/no-require-imports': 'off' },
	},
	{
		name: 'dev/javascript-esm',
		files: ['**/*.mjs'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
		languageOptions: { sourceType: 'module', globals: { ...globals.node } },
	},
	{
		name: 'dev/test-globals',
		files: ['test/**/*.{ts,js}'],
		languageOptions: { globals: { ...globals.jest } },
	},
	{
		// Dev tools (emulator, demo, bench, lint runner) talk to the terminal.
		name: 'dev/console',
		files: ['dev/**'],
		rules: { 'no-console': 'off' },
	},
);
