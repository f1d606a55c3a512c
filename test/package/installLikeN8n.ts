/** Packs the built package and installs it the way n8n installs a community package. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Modules n8n puts on NODE_PATH for community packages (the imports n8n Cloud allows). */
export const N8N_PROVIDED_MODULES = ['n8n-workflow', 'zod', 'lodash', 'luxon', 'moment', 'p-limit'];

export interface PackageJson {
	name: string;
	version: string;
	files?: string[];
	scripts?: Record<string, string>;
	dependencies?: Record<string, string>;
	devDependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	optionalDependencies?: Record<string, string>;
	n8n?: { n8nNodesApiVersion?: number; credentials?: string[]; nodes?: string[] };
}

export const readPackageJson = (dir: string): PackageJson =>
	JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string =>
	execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const npm = (args: string[], cwd: string): string => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], cwd);

/** Every file package.json points n8n at, relative to the package root. */
export function listedFiles(pkg: PackageJson): string[] {
	return [...(pkg.n8n?.credentials ?? []), ...(pkg.n8n?.nodes ?? [])];
}

/** Builds once if dist/ lacks a file package.json lists (normally `npm test` has just built). */
export function ensureBuilt(): void {
	const missing = listedFiles(readPackageJson(REPO_ROOT)).some((file) => !existsSync(path.join(REPO_ROOT, file)));
	if (missing) npm(['run', 'build'], REPO_ROOT);
}

/** `npm pack` into a folder; returns the tarball path. */
export function pack(destination: string): string {
	const [result] = JSON.parse(npm(['pack', '--json', '--pack-destination', destination], REPO_ROOT)) as Array<{ filename: string }>;
	return path.join(destination, result.filename);
}

/** Paths inside the tarball, without the leading 'package/'. */
export function tarballEntries(tarball: string): string[] {
	return run('tar', ['-tzf', tarball], path.dirname(tarball))
		.split('\n')
		.filter((line) => line && !line.endsWith('/'))
		.map((line) => line.replace(/^package\//, ''));
}

const NON_RUNTIME_DEPENDENCIES = ['devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** package.json exactly as packed, before n8n's install edits it. */
export function packedPackageJson(tarball: string): PackageJson {
	return JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], path.dirname(tarball))) as PackageJson;
}

/** n8n drops these before `npm install`, so only `dependencies` could ever be installed. */
function stripNonRuntimeDependencies(packageDir: string): void {
	const pkg = readPackageJson(packageDir);
	for (const key of NON_RUNTIME_DEPENDENCIES) delete pkg[key];
	writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify(pkg, null, 2));
}

/** A folder holding only links to n8n's own modules, to serve as NODE_PATH like n8n sets it. */
function n8nModulesFolder(root: string): string {
	const folder = path.join(root, 'n8n-modules');
	mkdirSync(folder);
	for (const name of N8N_PROVIDED_MODULES) {
		const target = path.join(REPO_ROOT, 'node_modules', name);
		if (existsSync(target)) symlinkSync(target, path.join(folder, name), 'dir');
	}
	return folder;
}

export interface Installation {
	root: string;
	tarball: string;
	packageDir: string;
	nodePath: string;
}

/** Pack, extract into <tmp>/nodes/node_modules/<name>, strip dependencies, npm install there. */
export function installLikeN8n(): Installation {
	const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'n8n-install-')));
	const tarball = pack(root);
	const packageDir = path.join(root, 'nodes', 'node_modules', readPackageJson(REPO_ROOT).name);
	mkdirSync(packageDir, { recursive: true });
	run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], root);
	stripNonRuntimeDependencies(packageDir);
	npm(['install', '--ignore-scripts', '--omit=dev', '--prefer-offline'], packageDir);
	return { root, tarball, packageDir, nodePath: n8nModulesFolder(root) };
}

/** Loads the installed package with n8n-core's PackageDirectoryLoader in a bare child process. */
export function loadInChild<T>(installation: Installation): T {
	const script = path.join(__dirname, 'load-package.child.js');
	const n8nCore = path.dirname(require.resolve('n8n-core/package.json'));
	const env: NodeJS.ProcessEnv = {
		PATH: process.env.PATH,
		HOME: installation.root,
		NODE_PATH: installation.nodePath,
		N8N_USER_FOLDER: installation.root,
		N8N_LOG_LEVEL: 'silent',
	};
	return JSON.parse(run(process.execPath, [script, n8nCore, installation.packageDir], installation.root, env)) as T;
}
