// The ESLint config n8n's verification scanner (@n8n/scan-community-package 0.32.0,
// scanner/scanner.mjs `buildScanConfig` + `analyzePackage`) applies to a community package, rebuilt
// here with the plugin versions installed in this repository.
//
// What the scanner does, and what this reproduces:
// - community-nodes `recommended` (with the n8n Cloud rules) on EVERY linted file, plus
//   `no-console: error` on every file;
// - eslint-plugin-n8n-nodes-base: `community` rules on package.json, `credentials` rules on
//   **/credentials/**/*.ts, `nodes` rules on **/nodes/**/*.ts, with the same five rules turned off;
// - @typescript-eslint/parser for *.json (the package.json rules need a TSESTree object) and *.ts;
//   compiled *.js keeps ESLint's default parser;
// - inline configuration is ignored (`allowInlineConfig: false`): `eslint-disable` has no effect;
// - two legs, and a package fails if either has an error (warnings never fail it):
//     source:  package.json + {nodes,credentials}/**/*.{js,ts,json} of the source checkout;
//     tarball: **/*.js + package.json of the extracted `npm pack` tarball (node_modules and
//              package-lock.json excluded).
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

export const SOURCE_PATTERNS = ['package.json', '{nodes,credentials}/**/*.{js,ts,json}'];
export const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

export function scanConfig() {
	const parser = tseslint.parser;
	return [
		n8nCommunityNodesPlugin.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
		{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
		{
			files: ['**/credentials/**/*.ts'],
			rules: {
				...n8nNodesBase.configs.credentials.rules,
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: ['**/nodes/**/*.ts'],
			rules: {
				...n8nNodesBase.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
		{ files: ['**/*.json'], languageOptions: { parser } },
		{ files: ['**/*.ts'], languageOptions: { parser } },
	];
}
