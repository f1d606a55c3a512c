/**
 * Redis and PostgreSQL for queue mode, from Debian's packages, started by hand as plain processes on free loopback
 * ports with their data in the run's temp folder (no systemd, nothing left behind). PostgreSQL refuses to run as
 * root, so when this runs as root it runs as the `postgres` user that Debian's package creates.
 */
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import { info } from './log';
import { freePort, run, startProcess, type Managed } from './processes';
import { postgresBinDir } from './toolchain';

export interface Redis {
	port: number;
	process: Managed;
}

export async function startRedis(dir: string): Promise<Redis> {
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const process = startProcess('redis', '/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], path.join(dir, 'redis.log'));
	await process.waitForLog(/Ready to accept connections/, 20_000);
	info(`redis on 127.0.0.1:${port}`);
	return { port, process };
}

export interface Postgres {
	port: number;
	user: string;
	database: string;
	process: Managed;
}

function postgresAccount(): { uid?: number; gid?: number } {
	if (process.getuid?.() !== 0) return {};
	const uid = Number(run('id', ['-u', 'postgres']).trim());
	const gid = Number(run('id', ['-g', 'postgres']).trim());
	return { uid, gid };
}

export async function startPostgres(dir: string): Promise<Postgres> {
	const bin = postgresBinDir();
	const account = postgresAccount();
	const data = path.join(dir, 'data');
	mkdirSync(dir, { recursive: true });
	if (account.uid !== undefined) {
		// The postgres user must reach its folder: the folder above it (the run's temp folder) is opened for
		// traversal, and the folder itself handed over.
		chmodSync(path.dirname(dir), 0o755);
		chownSync(dir, account.uid, account.gid!);
	}
	run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions'], { ...account, cwd: dir });
	const port = await freePort();
	const process = startProcess(
		'postgres',
		path.join(bin, 'postgres'),
		['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=100'],
		path.join(dir, 'postgres.log'),
		{ ...account, cwd: dir },
	);
	await process.waitForLog(/database system is ready to accept connections/, 30_000);
	info(`postgres on 127.0.0.1:${port} (data ${data})`);
	return { port, user: 'postgres', database: 'postgres', process };
}
