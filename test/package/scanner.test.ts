/** `npm run scan` (dev/lint/scan.mjs, n8n's real scanner) fails a package that reads an environment variable in a node file. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from './installLikeN8n';

/** What `npm run build` and `npm pack` need: the package's sources, build config and docs (never the real tree). */
const PACKAGE_FILES = ['package.json', 'tsconfig.json', 'gulpfile.js', '.npmrc', 'README.md', 'LICENSE', 'CHANGELOG.md', 'nodes', 'credentials', 'icons'];
const NODE_FILE = 'nodes/GptImage2Generate/GptImage2Generate.node.ts';

describe('n8n scanner step (npm run scan)', () => {
	let copy: string;
	let result: { status: number | null; output: string };

	beforeAll(() => {
		copy = mkdtempSync(path.join(tmpdir(), 'scan-planted-'));
		for (const entry of PACKAGE_FILES) cpSync(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
		symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
		// The planted violation: a node file reading an environment variable (the reference makes it compile).
		const nodeFile = path.join(copy, NODE_FILE);
		const source = readFileSync(nodeFile, 'utf8');
		writeFileSync(nodeFile, `/// <reference types="node" />\n${source}\nexport const plantedSetting = process.env.PLANTED_SETTING;\n`);
		const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dev/lint/scan.mjs'), '--root', copy], { encoding: 'utf8' });
		result = { status: run.status, output: `${run.stdout}${run.stderr}` };
	}, 300_000);

	afterAll(() => {
		if (copy) rmSync(copy, { recursive: true, force: true });
	});

	it('exits 1', () => {
		expect(result.output).toContain('[scan] @n8n/scan-community-package');
		expect(result.status).toBe(1);
	});

	it('fails the source leg on the .ts file and both tarball legs on the compiled .js, naming the rule', () => {
		const verdicts = result.output.split('\n').filter((line) => /^\[scan\] (source|tarball)/.test(line));
		expect(verdicts).toHaveLength(3);
		for (const verdict of verdicts) expect(verdict).toContain('FAILED: ESLint violations found');
		expect(result.output).toMatch(/GptImage2Generate\.node\.ts\n.*no-restricted-globals/);
		expect(result.output).toMatch(/GptImage2Generate\.node\.js\n.*no-restricted-globals/);
		// The planted line is the only problem each leg finds.
		expect(result.output.match(/✖ 1 problem \(1 error, 0 warnings\)/g)).toHaveLength(3);
	});

	it('leaves the real tree untouched', () => {
		expect(readFileSync(path.join(REPO_ROOT, NODE_FILE), 'utf8')).not.toContain('plantedSetting');
	});
});
