#!/usr/bin/env node
// `npm run scan`: n8n's verification scanner (@n8n/scan-community-package, its own code and rule versions, not a copy)
// on this checkout's sources and on the tarball `npm pack` makes of it. Exit 1 when any leg reports an error.
//
// The scanner's CLI (`npx @n8n/scan-community-package <name>`) only scans a version already published on
// registry.npmjs.org with npm provenance, and lints the GitHub commit that provenance names: neither exists before a
// release, nor offline. So this runs the scanner's exported `analyzePackage` on the same inputs its
// `analyzePackageByName` lints after download: the source (its SOURCE_FILE_PATTERNS) and the tarball (compiled .js +
// package.json), plus the tarball with analyzePackage's own default patterns (every .js, .ts, .json in it).
//
//   node dev/lint/scan.mjs                         this checkout (builds dist/ first when stale)
//   node dev/lint/scan.mjs --root <dir>            another copy of the package (builds it with npm run build)
//   node dev/lint/scan.mjs --published <name@ver>  the scanner's full check of a published version, provenance
//                                                  included (needs registry.npmjs.org and codeload.github.com)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import glob from 'fast-glob';

const require = createRequire(import.meta.url);
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCANNER = '@n8n/scan-community-package';
const TARBALL_LEG_PATTERNS = ['**/*.js', 'package.json'];
const ALL_FILES_PATTERNS = ['**/*.js', '**/*.ts', '**/*.json'];

function option(name) {
	const at = process.argv.indexOf(name);
	return at === -1 ? undefined : process.argv[at + 1];
}

function run(cmd, args, cwd) {
	const res = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
	if (res.error) throw res.error;
	if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${res.stdout}${res.stderr}`);
	return res.stdout;
}

async function loadScanner() {
	// eslint-plugin-n8n-nodes-base lints by its own test fixtures' conventions when NODE_ENV is test (jest sets it).
	if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;
	const version = require(`${SCANNER}/package.json`).version;
	return { version, ...(await import(`${SCANNER}/scanner/scanner.mjs`)) };
}

/** Builds root's dist/: this checkout only when stale (dev/ensureBuilt.js), a copy always. */
function build(root) {
	if (path.resolve(root) === REPO_ROOT) require('../ensureBuilt.js').ensureBuilt();
	else run('npm', ['run', '--silent', 'build'], root);
}

/** `npm pack` of root, extracted the way the scanner extracts a download. */
function packAndExtract(root, tmp) {
	const [{ filename }] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], root));
	const packageDir = path.join(tmp, 'package');
	fs.mkdirSync(packageDir);
	run('tar', ['-xzf', path.join(tmp, filename), '-C', packageDir, '--strip-components=1'], tmp);
	return { filename, packageDir };
}

function countFiles(dir, patterns) {
	return glob.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] }).length;
}

async function scanLocal(root) {
	const scanner = await loadScanner();
	console.log(`[scan] ${SCANNER} ${scanner.version} (analyzePackage, its own ESLint config and plugin versions)`);
	build(root);
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
	try {
		const { filename, packageDir } = packAndExtract(root, tmp);
		const legs = [
			{ name: 'source', dir: root, patterns: scanner.SOURCE_FILE_PATTERNS },
			{ name: `tarball ${filename}`, dir: packageDir, patterns: TARBALL_LEG_PATTERNS },
			{ name: `tarball ${filename}, every .js/.ts/.json`, dir: packageDir, patterns: ALL_FILES_PATTERNS },
		];
		let failed = false;
		for (const leg of legs) {
			const started = Date.now();
			const result = await scanner.analyzePackage(leg.dir, leg.patterns);
			const took = ((Date.now() - started) / 1000).toFixed(1);
			const files = countFiles(leg.dir, leg.patterns);
			console.log(`[scan] ${leg.name} (${leg.patterns.join(', ')}): ${files} files, ${result.passed ? 'passed' : `FAILED: ${result.message}`} (${took} s)`);
			if (result.details) console.log(result.details.split(leg.dir).join('<package>'));
			failed ||= !result.passed;
		}
		console.log('[scan] provenance: not checked here (needs the version published on registry.npmjs.org; see docs/verification.md)');
		return failed ? 1 : 0;
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

async function scanPublished(spec) {
	const scanner = await loadScanner();
	const { packageName, version } = scanner.resolvePackage(spec);
	const result = await scanner.analyzePackageByName(packageName, version);
	console.log(`[scan] ${SCANNER} ${scanner.version} on ${packageName}@${result.version}: ${result.passed ? 'passed' : `FAILED: ${result.message}`}`);
	if (result.details) console.log(result.details);
	return result.passed ? 0 : 1;
}

const published = option('--published');
const root = path.resolve(option('--root') ?? REPO_ROOT);
process.exitCode = await (published ? scanPublished(published) : scanLocal(root)).catch((err) => {
	console.error(`[scan] could not run: ${err.message}`);
	return 1;
});
