#!/usr/bin/env node
// The one place that keeps dist/ in step with the sources: every entry point that loads the built package (jest,
// demo, bench, e2e, lint's tarball pass) calls ensureBuilt() first, so no run ever tests a stale build.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');

function mtime(file) {
	try {
		return fs.statSync(file).mtimeMs;
	} catch {
		return -1;
	}
}

/** Files under dir (relative, '/'-separated), skipping node_modules and dot-folders. */
function listFiles(dir, rel = '') {
	const out = [];
	if (!fs.existsSync(path.join(dir, rel))) return out;
	for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
		if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
		const childRel = rel ? `${rel}/${entry.name}` : entry.name;
		if (entry.isDirectory()) out.push(...listFiles(dir, childRel));
		else if (entry.isFile()) out.push(childRel);
	}
	return out;
}

function sameContent(built, source) {
	const [a, b] = [fs.readFileSync(built), fs.readFileSync(source)];
	if (a.equals(b)) return true;
	if (!source.endsWith('.json')) return false;
	try {
		return JSON.stringify(JSON.parse(a.toString('utf8'))) === JSON.stringify(JSON.parse(b.toString('utf8')));
	} catch {
		return false;
	}
}

/** Why dist/ is out of date, or null when every shipped source has an up-to-date output. */
function staleReason() {
	const sources = ['nodes', 'credentials', 'icons'].flatMap((top) => listFiles(ROOT, top));
	const tsconfig = mtime(path.join(ROOT, 'tsconfig.json'));
	for (const f of sources) {
		let out;
		if (/\.ts$/.test(f) && !f.endsWith('.d.ts')) out = f.replace(/\.ts$/, '.js');
		else if (/\.(svg|node\.json)$/.test(f)) out = f;
		else continue;
		const outTime = mtime(path.join(ROOT, 'dist', out));
		if (outTime < 0) return `dist/${out} is missing`;
		// Copied files may keep their source's mtime, so compare what they hold instead (tsc rewrites JSON's layout).
		if (out === f) {
			if (!sameContent(path.join(ROOT, 'dist', out), path.join(ROOT, f))) return `dist/${out} differs from ${f}`;
			continue;
		}
		if (outTime < mtime(path.join(ROOT, f))) return `dist/${out} is older than ${f}`;
		if (out.endsWith('.js') && outTime < tsconfig) return `dist/${out} is older than tsconfig.json`;
	}
	return null;
}

/** Builds when dist/ is stale (saying why); throws when the build fails. */
function ensureBuilt({ quiet = false } = {}) {
	const reason = staleReason();
	if (!reason) return false;
	if (!quiet) console.log(`[build] ${reason}: running npm run build`);
	const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
	if (build.status !== 0) throw new Error(`npm run build failed${quiet ? `:\n${build.stdout}${build.stderr}` : ''}`);
	return true;
}

module.exports = { ensureBuilt, staleReason, listFiles };

if (require.main === module) ensureBuilt();
