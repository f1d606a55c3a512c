/** This package as a self-hoster installs it: built, packed, and `npm install <tarball> --omit=peer` in .n8n/nodes. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { info } from './log';
import { run } from './processes';

export const REPO = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME: string = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string }).name;

/** `npm run build` then `npm pack` into `outDir`; returns the tarball path. */
export function buildAndPack(outDir: string): string {
	info('npm run build');
	run('npm', ['run', 'build'], { cwd: REPO });
	mkdirSync(outDir, { recursive: true });
	run('npm', ['pack', '--pack-destination', outDir, '--loglevel=warn'], { cwd: REPO });
	const tarball = readdirSync(outDir).find((f) => f.startsWith(`${PACKAGE_NAME}-`) && f.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack wrote no ${PACKAGE_NAME}-*.tgz into ${outDir}`);
	info(`packed ${tarball}`);
	return path.join(outDir, tarball);
}

/**
 * Installs the tarball into `<userFolder>/.n8n/nodes` as the README tells a self-hoster to. `--omit=peer` keeps npm
 * from pulling n8n-workflow (n8n provides it); the result must be this package alone, with no dependencies.
 */
export function installIntoUserFolder(tarball: string, userFolder: string): string {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	run('npm', ['install', tarball, '--omit=peer', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: nodesDir });
	const installed = readdirSync(path.join(nodesDir, 'node_modules')).filter((entry) => !entry.startsWith('.'));
	if (installed.join() !== PACKAGE_NAME) throw new Error(`npm install --omit=peer should install only ${PACKAGE_NAME}, got: ${installed.join(', ')}`);
	info(`installed into ${nodesDir} (npm install <tarball> --omit=peer): ${installed.join(', ')}`);
	return nodesDir;
}
