#!/usr/bin/env node
// Runs a TypeScript entry point of dev/ (emulator, demo, bench) without a separate build step.
process.env.TS_NODE_PROJECT = process.env.TS_NODE_PROJECT || require('path').join(__dirname, '..', 'tsconfig.dev.json');
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
require('ts-node/register');
require('reflect-metadata');
const entry = process.argv[2];
if (!entry) {
	console.error('usage: node dev/run-ts.js <file.ts> [args...]');
	process.exit(2);
}
// The demo, bench and e2e load the built package: never let them run an old dist/.
require('./ensureBuilt').ensureBuilt();
process.argv.splice(1, 1);
require(require('path').resolve(entry));
