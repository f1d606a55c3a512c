#!/usr/bin/env node
// The import-cycle rule: fails when modules in nodes/, credentials/ or dev/ import each other in a circle
// (type-only imports count too: a cycle of types is still a knot a reader has to untie).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const SCOPES = ['nodes', 'credentials', 'dev'];
const EXTENSIONS = ['.ts', '.js'];

function sourceFiles(root = ROOT) {
	const out = [];
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (EXTENSIONS.includes(path.extname(entry.name)) && !entry.name.endsWith('.d.ts')) out.push(full);
		}
	};
	for (const scope of SCOPES) if (fs.existsSync(path.join(root, scope))) walk(path.join(root, scope));
	return out;
}

/** Relative specifiers of every import, export-from and require in a file. */
function relativeImports(text) {
	const found = [];
	const patterns = [/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g, /\bimport\s+['"](\.{1,2}\/[^'"]+)['"]/g, /\brequire\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g];
	for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]);
	return found;
}

function resolve(fromFile, specifier) {
	const base = path.resolve(path.dirname(fromFile), specifier);
	for (const candidate of [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, `index${e}`))]) {
		if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
	}
	return undefined;
}

/** Strongly connected components with more than one module (or a module importing itself): Tarjan's algorithm. */
function findCycles(graph) {
	let index = 0;
	const indices = new Map();
	const low = new Map();
	const stack = [];
	const onStack = new Set();
	const cycles = [];
	const visit = (node) => {
		indices.set(node, index);
		low.set(node, index++);
		stack.push(node);
		onStack.add(node);
		for (const next of graph.get(node) ?? []) {
			if (!indices.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node), low.get(next)));
			} else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indices.get(next)));
		}
		if (low.get(node) === indices.get(node)) {
			const component = [];
			let member;
			do {
				member = stack.pop();
				onStack.delete(member);
				component.push(member);
			} while (member !== node);
			if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
		}
	};
	for (const node of graph.keys()) if (!indices.has(node)) visit(node);
	return cycles;
}

function importGraph(files) {
	const graph = new Map();
	for (const file of files) {
		const text = fs.readFileSync(file, 'utf8');
		graph.set(file, relativeImports(text).map((s) => resolve(file, s)).filter((f) => f && files.includes(f)));
	}
	return graph;
}

/** The cycles among the source files under a repository root, at any folder depth. */
function cyclesUnder(root) {
	return findCycles(importGraph(sourceFiles(root)));
}

function main() {
	const cycles = cyclesUnder(ROOT);
	const rel = (f) => path.relative(ROOT, f);
	if (cycles.length === 0) {
		console.log('import cycles (nodes/, credentials/, dev/): none');
		return 0;
	}
	console.log(`import cycles (nodes/, credentials/, dev/): ${cycles.length}`);
	for (const cycle of cycles) console.log(`  cycle: ${cycle.map(rel).join(' <-> ')}`);
	console.log('Break each cycle: move what both modules need into a third module that imports neither.');
	return 1;
}

module.exports = { cyclesUnder, findCycles, relativeImports };

if (require.main === module) process.exitCode = main();
