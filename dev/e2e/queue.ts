/**
 * Queue mode, n8n's way to grow past one machine: PostgreSQL + Redis, n8n main, two workers and a webhook
 * processor, binary data in the database. The batch and the webhook examples run here and must execute on the
 * workers and write the same images as in single mode. The package is installed once in the shared user folder,
 * which every process loads (each one's log must say so).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { Emulator } from '../emulator';
import { createAndTestCredential } from './credential';
import { EXPECTATIONS } from './expectations';
import { copyExampleAssets, runExample, type ExampleRun } from './examples';
import { info } from './log';
import { setupOwnerAndLogin, startN8n, type N8nProcess, type N8nSetup } from './n8nApp';
import { installIntoUserFolder } from './packageInstall';
import { freePort } from './processes';
import { startPostgres, startRedis } from './services';
import type { Toolchain } from './toolchain';

export interface QueueExampleRun extends ExampleRun {
	/** Workers whose log says they started this execution. */
	workers: string[];
	sameImagesAsSingle: boolean;
}

export interface QueueResult {
	examples: QueueExampleRun[];
	processes: string[];
	problems: string[];
}

export interface QueueOptions {
	toolchain: Toolchain;
	tarball: string;
	runRoot: string;
	logDir: string;
	emulator: Emulator;
	single: ExampleRun[];
}

export async function runQueueMode(options: QueueOptions): Promise<QueueResult> {
	const result: QueueResult = { examples: [], processes: [], problems: [] };
	const redis = await startRedis(path.join(options.runRoot, 'redis'));
	const postgres = await startPostgres(path.join(options.runRoot, 'postgres'));

	const userFolder = path.join(options.runRoot, 'queue');
	installIntoUserFolder(options.tarball, userFolder);
	const filesDir = path.join(options.runRoot, 'queue-files');
	mkdirSync(filesDir, { recursive: true });
	const setup: N8nSetup = {
		toolchain: options.toolchain,
		userFolder,
		filesDir,
		logDir: options.logDir,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			DB_POSTGRESDB_DATABASE: postgres.database,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// Queue mode's default, stated so the run says what it tests.
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			// Manual runs (the editor's "Execute workflow", and /rest/workflows/:id/run) go to the workers too.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		},
	};
	// Every process hands out resume URLs of the webhook processor, so its port is chosen first.
	const webhookPort = await freePort();
	const webhookUrl = `http://127.0.0.1:${webhookPort}/`;
	// The main instance first: it creates the database schema the others need.
	const main = await startN8n(setup, 'n8n-queue-main', 'start', webhookUrl);
	const others: N8nProcess[] = await Promise.all([
		startN8n(setup, 'n8n-queue-worker-1', 'worker', webhookUrl),
		startN8n(setup, 'n8n-queue-worker-2', 'worker', webhookUrl),
		startN8n(setup, 'n8n-queue-webhook', 'webhook', webhookUrl, webhookPort),
	]);
	const workers = others.filter((p) => p.kind === 'worker');
	result.processes = [main, ...others].map((p) => `${p.name} (n8n ${p.kind}, port ${p.port})`);

	const rest = await setupOwnerAndLogin(main.url);
	const credential = await createAndTestCredential(rest, options.emulator);
	const inputDir = copyExampleAssets(filesDir);
	const names = Object.entries(EXPECTATIONS)
		.filter(([, expected]) => expected.queueMode)
		.map(([name]) => name);
	for (const name of names) {
		const run = await runExample(name, {
			rest,
			n8nDir: path.dirname(path.dirname(options.toolchain.n8nBin)),
			emulator: options.emulator,
			credential,
			inputDir,
			outputRoot: path.join(filesDir, 'out'),
			webhookBase: webhookUrl,
		});
		const started = new RegExp(`Worker started execution ${run.executionId} \\(`);
		const ranOn = workers.filter((w) => started.test(w.process.log())).map((w) => w.name);
		const single = options.single.find((s) => s.name === name);
		const sameImagesAsSingle = !!single && JSON.stringify(single.files) === JSON.stringify(run.files);
		const problems = run.problems.map((p) => `queue ${name}: ${p}`);
		if (ranOn.length === 0) problems.push(`queue ${name}: no worker log says "Worker started execution ${run.executionId}"`);
		if (started.test(main.process.log())) problems.push(`queue ${name}: the main instance ran execution ${run.executionId} itself`);
		if (!sameImagesAsSingle) problems.push(`queue ${name}: images differ from single mode: ${JSON.stringify(run.files)} vs ${JSON.stringify(single?.files)}`);
		const notInDatabase = run.binaryIds.filter((id) => !id.startsWith('database:'));
		if (notInDatabase.length) problems.push(`queue ${name}: output binaries not in the database binary store: ${notInDatabase.join(', ')}`);
		info(`${name}: ran on ${ranOn.join(' and ') || 'no worker'}; images ${sameImagesAsSingle ? 'identical to' : 'DIFFERENT from'} single mode; binaries ${run.binaryIds.map((id) => id.split(':')[0]).join(', ')}`);
		result.examples.push({ ...run, workers: ranOn, sameImagesAsSingle });
		result.problems.push(...problems);
	}
	return result;
}
