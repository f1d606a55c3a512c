#!/usr/bin/env node
// The checks `npm run lint` adds after `n8n-node lint` (which lints package.json, nodes/ and credentials/ with n8n's
// default config, and dev/ and test/ with their own eslint.config.mjs):
//
//  1. root scripts  gulpfile.js, jest.config.js and the ESLint configs, with the tooling rules
//                   (dev/lint/eslint.tooling.mjs); n8n's config gives .js files at the root no rules.
//  2. import cycles dev/lint/cycles.js: no module in nodes/, credentials/ or dev/ may import itself in a circle.
//
// n8n's verification scanner on the sources and the packed tarball is `npm run scan` (dev/lint/scan.mjs).
'use strict';

const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ESLint } = require('eslint');

const ROOT = path.resolve(__dirname, '..', '..');
const ROOT_SCRIPTS = ['gulpfile.js', 'jest.config.js', 'eslint.config.mjs'];

async function lintRootScripts() {
	const { toolingConfig } = await import('./eslint.tooling.mjs');
	const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: toolingConfig({ root: ROOT }) });
	const results = await eslint.lintFiles(ROOT_SCRIPTS);
	const withProblems = results.filter((r) => r.messages.length > 0);
	if (withProblems.length) process.stdout.write(await (await eslint.loadFormatter('stylish')).format(withProblems));
	return results.reduce((n, r) => n + r.errorCount, 0);
}

function importCycles() {
	return spawnSync(process.execPath, [path.join(__dirname, 'cycles.js')], { cwd: ROOT, stdio: 'inherit' }).status ?? 1;
}

async function main() {
	const started = Date.now();
	const errors = await lintRootScripts();
	const cycles = importCycles();
	const summary = [`root scripts: ${errors} error${errors === 1 ? '' : 's'}`, cycles === 0 ? 'import cycles: none' : 'import cycles: FOUND'];
	console.log(`[lint] ${summary.join('; ')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
	return errors > 0 || cycles !== 0 ? 1 : 0;
}

main().then(
	(code) => (process.exitCode = code),
	(err) => {
		console.error(err);
		process.exitCode = 1;
	},
);
