/** Loads this package (from dist/, as n8n does) and n8n-nodes-base (lazily), once per process. */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { LazyPackageDirectoryLoader, PackageDirectoryLoader } from 'n8n-core';
import type { DirectoryLoader } from 'n8n-core';
import { UserError } from 'n8n-workflow';

import { setupContainer } from './container';
import { REPO_ROOT } from './env';
import { shimEsmOnlyModulesUnderJest } from './jestCompat';

export const NODES_BASE_DIR = path.dirname(require.resolve('n8n-nodes-base/package.json'));

/** Loaders keyed by package name, e.g. 'n8n-nodes-gpt-image-2' and 'n8n-nodes-base'. */
export type Loaders = ReadonlyMap<string, DirectoryLoader>;

let cached: Promise<Loaders> | undefined;

/** Fails early with the fix when the package has not been built. */
function assertBuilt(loader: PackageDirectoryLoader): void {
	const { credentials = [], nodes = [] } = loader.packageJson.n8n ?? {};
	const missing = [...credentials, ...nodes].filter((file) => !existsSync(path.join(REPO_ROOT, file)));
	if (missing.length > 0) {
		throw new UserError(`Built files missing (${missing.join(', ')}): run "npm run build" first.`);
	}
}

async function load(): Promise<Loaders> {
	await setupContainer();
	shimEsmOnlyModulesUnderJest();
	const own = new PackageDirectoryLoader(REPO_ROOT);
	assertBuilt(own);
	const base = new LazyPackageDirectoryLoader(NODES_BASE_DIR);
	await Promise.all([own.loadAll(), base.loadAll()]);
	return new Map<string, DirectoryLoader>([
		[own.packageName, own],
		[base.packageName, base],
	]);
}

/** Cached; a failed load is not cached so a later build can fix it. */
export async function loadPackages(): Promise<Loaders> {
	cached ??= load().catch((error: unknown) => {
		cached = undefined;
		throw error;
	});
	return await cached;
}

/** 'n8n-nodes-base.httpRequest' -> ['n8n-nodes-base', 'httpRequest'] (the last dot, so scoped names work). */
export function splitNodeType(fullType: string): [packageName: string, name: string] {
	const dot = fullType.lastIndexOf('.');
	return [fullType.slice(0, dot), fullType.slice(dot + 1)];
}
