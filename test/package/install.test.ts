/** The package as a user gets it: packed, installed like n8n installs community nodes, loaded by n8n's loader. */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { Installation, PackageJson } from './installLikeN8n';
import {
	N8N_PROVIDED_MODULES,
	ensureBuilt,
	installLikeN8n,
	listedFiles,
	loadInChild,
	packedPackageJson,
	readPackageJson,
	tarballEntries,
} from './installLikeN8n';

type IconUrl = string | { light: string; dark: string } | null;

interface LoadReport {
	packageName: string;
	directory: string;
	credentials: Array<{ name: string; className: string; sourcePath: string; iconUrl: IconUrl; hasTest: boolean; authenticate: string; supportedNodes: string[] }>;
	nodes: Array<{ name: string; className: string; sourcePath: string; iconUrl: IconUrl; codex: { categories?: string[]; subcategories?: Record<string, string[]> } | null; credentials: string[] }>;
	externalRequires: string[];
	resolvableFromPackage: Record<string, boolean>;
}

const LIFECYCLE_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish', 'prepublishOnly', 'prepack', 'postpack', 'preuninstall', 'uninstall', 'postuninstall', 'dependencies'];
/** npm always packs package.json, README and LICENSE; a CHANGELOG is allowed but npm does not add it by itself. */
const TOP_LEVEL_FILES = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];

/** 'icons/<package>/dist/icons/x.svg' -> 'dist/icons/x.svg', the file the editor will request. */
const iconFile = (packageName: string, iconUrl: string) => iconUrl.replace(`icons/${packageName}/`, '');

/** Light and dark icon files referenced by a loaded type. */
function iconFiles(packageName: string, iconUrl: IconUrl): string[] {
	if (iconUrl === null) return [];
	const urls = typeof iconUrl === 'string' ? [iconUrl] : [iconUrl.light, iconUrl.dark];
	return urls.map((url) => iconFile(packageName, url));
}

/** 'dist/nodes/Foo/Foo.node.js' -> 'Foo'. */
const classNameOf = (file: string) => path.basename(file).split('.')[0];

describe('installed like n8n installs a community package', () => {
	let installation: Installation;
	let entries: string[];
	let installed: PackageJson;
	let report: LoadReport;

	beforeAll(() => {
		ensureBuilt();
		installation = installLikeN8n();
		entries = tarballEntries(installation.tarball);
		installed = readPackageJson(installation.packageDir);
		report = loadInChild<LoadReport>(installation);
	}, 240_000);

	afterAll(() => {
		if (installation) rmSync(installation.root, { recursive: true, force: true });
	});

	it('packs only dist/ and the top-level docs', () => {
		const stray = entries.filter((entry) => !entry.startsWith('dist/') && !TOP_LEVEL_FILES.includes(entry));
		expect(stray).toEqual([]);
		expect(entries).toEqual(expect.arrayContaining(['package.json', 'LICENSE', 'README.md']));
		expect(entries).toEqual(expect.arrayContaining(listedFiles(installed)));
	});

	it('declares no runtime dependencies and no install-time scripts', () => {
		const packed = packedPackageJson(installation.tarball);
		expect(packed.dependencies ?? {}).toEqual({});
		expect(Object.keys(packed.scripts ?? {}).filter((name) => LIFECYCLE_SCRIPTS.includes(name))).toEqual([]);
		expect(packed.peerDependencies ?? {}).toEqual({ 'n8n-workflow': '*' });
		expect(packed.n8n?.n8nNodesApiVersion).toBe(1);
		expect(listedFiles(packed).every((file) => file.startsWith('dist/'))).toBe(true);
	});

	it('npm install in the package folder installs nothing', () => {
		const modules = path.join(installation.packageDir, 'node_modules');
		const installedModules = existsSync(modules) ? readdirSync(modules).filter((name) => !name.startsWith('.')) : [];
		expect(installedModules).toEqual([]);
	});

	it('cannot reach devDependencies, only what n8n provides on NODE_PATH', () => {
		expect(report.resolvableFromPackage).toEqual({
			'n8n-workflow': true,
			zod: true,
			undici: false,
			sharp: false,
			'n8n-core': false,
			jest: false,
		});
		expect(report.externalRequires.filter((name) => !N8N_PROVIDED_MODULES.includes(name))).toEqual([]);
	});

	it('loads the WaveSpeed API credential with its test request, authenticate function and icons', () => {
		expect(report.packageName).toBe('n8n-nodes-gpt-image-2');
		const credential = report.credentials.find(({ name }) => name === 'waveSpeedApi');
		expect(credential).toMatchObject({ className: 'WaveSpeedApi', hasTest: true, authenticate: 'function' });
		expect(report.credentials.map(({ sourcePath }) => sourcePath).sort()).toEqual([...(installed.n8n?.credentials ?? [])].sort());
	});

	it('every listed file exports a class named like its file, with icons present in the tarball', () => {
		const loaded = [...report.credentials, ...report.nodes];
		expect(loaded).toHaveLength(listedFiles(installed).length);
		for (const { className, sourcePath, iconUrl } of loaded) {
			expect(listedFiles(installed)).toContain(sourcePath);
			expect(className).toBe(classNameOf(sourcePath));
			const icons = iconFiles(report.packageName, iconUrl);
			expect(icons.length).toBeGreaterThan(0);
			for (const icon of icons) expect(entries).toContain(icon);
			if (icons.length === 2) {
				// The editor shows the dark file on dark themes: it must be a different picture.
				const [light, dark] = icons.map((icon) => readFileSync(path.join(installation.packageDir, icon), 'utf8'));
				expect(dark).not.toBe(light);
			}
		}
	});

	it('every listed node loads with its codex from the .node.json next to it and uses the package credential', () => {
		const nodeFiles = installed.n8n?.nodes ?? [];
		expect(report.nodes).toHaveLength(nodeFiles.length);
		const credentialNames = report.credentials.map(({ name }) => name);
		for (const node of report.nodes) {
			expect(entries).toContain(`${node.sourcePath}on`);
			expect(node.codex?.categories?.length).toBeGreaterThan(0);
			expect(node.credentials.length).toBeGreaterThan(0);
			for (const credential of node.credentials) expect(credentialNames).toContain(credential);
		}
		// One credential per provider, and both nodes offer every provider.
		expect(credentialNames.sort()).toEqual(['eachLabsApi', 'waveSpeedApi']);
		for (const { supportedNodes } of report.credentials) expect([...supportedNodes].sort()).toEqual(report.nodes.map(({ name }) => name).sort());
	});

	// The editor hides a node in category AI from the main nodes panel (and its search) unless it is a root node:
	// without "Root Nodes" it is listed only among the AI sub-nodes. dev/e2e checks the search in the real editor.
	it('every node is listed in the main nodes panel: an AI node is also an AI root node', () => {
		for (const node of report.nodes) {
			const { categories = [], subcategories = {} } = node.codex ?? {};
			const onlyAnAiSubNode = categories.includes('AI') && !(subcategories.AI ?? []).includes('Root Nodes');
			expect({ node: node.name, onlyAnAiSubNode }).toEqual({ node: node.name, onlyAnAiSubNode: false });
		}
	});
});
