#!/usr/bin/env node
// `npm run lint`: three ESLint passes, exit 1 if any of them reports an error.
//
//  1. source          `eslint .` with eslint.config.mjs (n8n-node lint's rules on nodes/, credentials/
//                     and package.json; typescript-eslint recommended on dev/, test/, scripts).
//  2. scan(source)    n8n's scanner config (dev/lint/scan-config.mjs) on package.json and
//                     {nodes,credentials}/**/*.{js,ts,json}, inline `eslint-disable` ignored, as the
//                     scanner does. Only problems pass 1 did not already print are printed.
//  3. scan(tarball)   build if dist/ is stale, `npm pack` into a temp folder, extract, and lint the
//                     package's **/*.js and package.json with the scanner config, as the scanner does
//                     with the published tarball.
//
//  4. import cycles  dev/lint/cycles.js: no module in nodes/, credentials/ or dev/ may import itself in a circle.
//
// Options: --source-only skips pass 3.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ESLint } = require('eslint');

const { ensureBuilt } = require('../ensureBuilt');

/** Pass 4, the import-cycle rule (dev/lint/cycles.js), in its own process so its output stays readable. */
function importCycles() {
	const res = spawnSync(process.execPath, [path.join(__dirname, 'cycles.js')], { cwd: ROOT, stdio: 'inherit' });
	return { exitCode: res.status ?? 1 };
}

const ROOT = path.resolve(__dirname, '..', '..');
const sourceOnly = process.argv.includes('--source-only');

/** Files under dir (relative, '/'-separated), skipping node_modules and dot-folders like a glob does. */
function listFiles(dir) {
	const out = [];
	const walk = (rel) => {
		for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
			if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
			const childRel = rel ? `${rel}/${entry.name}` : entry.name;
			if (entry.isDirectory()) walk(childRel);
			else if (entry.isFile()) out.push(childRel);
		}
	};
	walk('');
	return out.sort();
}

function count(results) {
	let errors = 0;
	let warnings = 0;
	for (const r of results) {
		errors += r.errorCount; // includes fatal (parse) errors
		warnings += r.warningCount;
	}
	return { errors, warnings, files: results.length };
}

function describe(name, c, extra = '') {
	return `${name}: ${c.errors} error${c.errors === 1 ? '' : 's'}, ${c.warnings} warning${c.warnings === 1 ? '' : 's'}${extra}`;
}

async function printResults(eslint, results) {
	const withProblems = results.filter((r) => r.messages.length > 0);
	if (withProblems.length === 0) return;
	const formatter = await eslint.loadFormatter('stylish');
	process.stdout.write(await formatter.format(withProblems));
}

function problemKey(filePath, m) {
	return `${path.resolve(filePath)}:${m.line}:${m.column}:${m.ruleId}:${m.message}`;
}

// ---- pass 1: eslint . ------------------------------------------------------------------------
async function lintSource() {
	const eslint = new ESLint({ cwd: ROOT });
	const results = await eslint.lintFiles(['.']);
	await printResults(eslint, results);
	return results;
}

// ---- scanner config --------------------------------------------------------------------------
async function scannerLint(cwd, files) {
	const { scanConfig } = await import('./scan-config.mjs');
	const eslint = new ESLint({
		cwd,
		overrideConfigFile: true,
		overrideConfig: scanConfig(),
		allowInlineConfig: false,
	});
	const results = files.length ? await eslint.lintFiles(files.map((f) => path.join(cwd, f))) : [];
	return { eslint, results };
}

// ---- pass 2: scanner config on the sources ---------------------------------------------------
async function scanSource(alreadyShown) {
	const files = listFiles(ROOT).filter(
		(f) => f === 'package.json' || /^(nodes|credentials)\/.+\.(js|ts|json)$/.test(f),
	);
	const { eslint, results } = await scannerLint(ROOT, files);
	let repeated = 0;
	const fresh = results.map((r) => {
		const messages = r.messages.filter((m) => {
			const seen = alreadyShown.has(problemKey(r.filePath, m));
			if (seen) repeated++;
			return !seen;
		});
		return { ...r, messages };
	});
	await printResults(eslint, fresh);
	return { results, repeated };
}

// ---- pass 3: scanner config on the npm pack tarball ------------------------------------------
/** Compiled files in dist/ whose source is gone: they would still be published. */
function orphanOutputs() {
	const distDir = path.join(ROOT, 'dist');
	if (!fs.existsSync(distDir)) return [];
	return listFiles(distDir)
		.filter((f) => /^(nodes|credentials)\/.+\.js$/.test(f))
		.filter((f) => !fs.existsSync(path.join(ROOT, f.replace(/\.js$/, '.ts'))))
		.map((f) => `dist/${f}`);
}

function run(cmd, args, opts = {}) {
	const res = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', ...opts });
	if (res.error) throw res.error;
	return res;
}

async function scanTarball() {
	ensureBuilt();
	const orphans = orphanOutputs();

	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-lint-'));
	try {
		const pack = run('npm', ['pack', '--json', '--pack-destination', tmp]);
		if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
		const tarball = path.join(tmp, JSON.parse(pack.stdout)[0].filename);
		const pkgDir = path.join(tmp, 'package');
		fs.mkdirSync(pkgDir);
		const tar = run('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1']);
		if (tar.status !== 0) throw new Error(`tar failed:\n${tar.stderr}`);

		const files = listFiles(pkgDir).filter(
			(f) => f === 'package.json' || (f.endsWith('.js') && f !== 'package-lock.json'),
		);
		const { eslint, results } = await scannerLint(pkgDir, files);
		// Show tarball paths rather than the temp folder.
		const shown = results.map((r) => ({
			...r,
			filePath: `<tarball>/${path.relative(pkgDir, r.filePath).split(path.sep).join('/')}`,
		}));
		await printResults(eslint, shown);
		for (const o of orphans) {
			console.log(`warning  ${o} has no source in nodes/ or credentials/ but is published (stale build output; delete it)`);
		}
		return { results, orphans };
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

async function main() {
	const started = Date.now();
	const summary = [];
	let failed = false;

	const source = await lintSource();
	const sourceCount = count(source);
	summary.push(describe('source', sourceCount));
	failed ||= sourceCount.errors > 0;

	const shown = new Set();
	for (const r of source) for (const m of r.messages) shown.add(problemKey(r.filePath, m));
	const scanned = await scanSource(shown);
	const scanCount = count(scanned.results);
	summary.push(
		describe('scan(source)', scanCount, scanned.repeated ? ` (${scanned.repeated} also in source)` : ''),
	);
	failed ||= scanCount.errors > 0;

	const cycles = importCycles();
	summary.push(cycles.exitCode === 0 ? 'import cycles: none' : 'import cycles: FOUND');
	failed ||= cycles.exitCode !== 0;

	if (sourceOnly) {
		summary.push('tarball: skipped (--source-only)');
	} else {
		try {
			const tar = await scanTarball();
			const c = count(tar.results);
			c.warnings += tar.orphans.length;
			summary.push(describe('tarball', c, ` (${c.files} files)`));
			failed ||= c.errors > 0;
		} catch (err) {
			console.error(`[lint] tarball pass failed: ${err.message}`);
			summary.push('tarball: FAILED to run');
			failed = true;
		}
	}

	console.log(`\n[lint] ${summary.join('; ')} — ${((Date.now() - started) / 1000).toFixed(1)}s`);
	process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
	console.error(err);
	process.exitCode = 1;
});
