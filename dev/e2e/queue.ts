/**
 * Queue mode, n8n's way to grow past one machine: PostgreSQL + Redis, n8n main, two workers and a webhook
 * processor, binary data in the database. The batch and the webhook examples run here and must execute on the
 * workers and write the same images as in single mode. The package is installed once in the shared user folder,
 * which every process loads (each one's log must say so).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { Cms } from '../cms';
import type { Emulator } from '../emulator';
import { createAndTestCredential } from './credential';
import { EXPECTATIONS } from './expectations';
import { copyExampleAssets, type ExampleRun } from './examples';
import { runAnyExample } from './pair';
import { info } from './log';
import { logIn, setupOwnerAndLogin, startN8n, type N8nProcess, type N8nSetup } from './n8nApp';
import { installIntoUserFolder } from './packageInstall';
import { freePort, stopProcesses } from './processes';
import { runCrashTest, type CrashResult } from './crash';
import { runScheduledExample, type ScheduledResult } from './scheduled';
import { startPostgres, startRedis } from './services';
import type { Toolchain } from './toolchain';

export interface QueueExampleRun extends ExampleRun {
	/** Workers whose log says they started this execution. */
	workers: string[];
	sameImagesAsSingle: boolean;
}

/** What the queue-mode schedule runs show about where Reuse Earlier Results remembers (see scheduled.ts). */
export const QUEUE_MEMORY_LIMITATION =
	"n8n 2.41.1 starts a queue worker's execution without the workflow's static data (only resumed executions reload it), and each worker's save replaces the stored copy with its own run's: a row is reused only when the worker process that delivered it runs it again, never after a worker restart";

export interface QueueResult {
	examples: QueueExampleRun[];
	/** The scheduled Data Table example on the workers, main and workers restarted before its third run. */
	schedule: Array<ScheduledResult & { workersByRun: string[][]; limitation: string }>;
	/** The crash test: a worker killed during a 10-row batch, Get Many after it, a re-run after n8n's recovery. */
	crash?: CrashResult | { failed: string };
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
	cms: Cms;
	/** Which examples to run (all by default). */
	selected?: (name: string) => boolean;
	/** Run the crash test at the end (kills a worker). */
	crashTest?: boolean;
}

/** The processes whose log says they started this execution. */
function startedBy(executionId: string, processes: N8nProcess[]): string[] {
	const started = new RegExp(`Worker started execution ${executionId} \\(`);
	return processes.filter((p) => started.test(p.process.log())).map((p) => p.name);
}

export async function runQueueMode(options: QueueOptions): Promise<QueueResult> {
	const result: QueueResult = { examples: [], schedule: [], processes: [], problems: [] };
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
	let main = await startN8n(setup, 'n8n-queue-main', 'start', webhookUrl);
	const startOthers = async (suffix = '') =>
		await Promise.all([
			startN8n(setup, `n8n-queue-worker-1${suffix}`, 'worker', webhookUrl),
			startN8n(setup, `n8n-queue-worker-2${suffix}`, 'worker', webhookUrl),
			startN8n(setup, `n8n-queue-webhook${suffix}`, 'webhook', webhookUrl, webhookPort),
		]);
	let others: N8nProcess[] = await startOthers();
	let workers = others.filter((p) => p.kind === 'worker');
	result.processes = [main, ...others].map((p) => `${p.name} (n8n ${p.kind}, port ${p.port})`);

	let rest = await setupOwnerAndLogin(main.url);
	const credential = await createAndTestCredential(rest, options.emulator);
	const inputDir = copyExampleAssets(filesDir);
	const names = Object.entries(EXPECTATIONS)
		.filter(([name, expected]) => expected.queueMode && (options.selected?.(name) ?? true))
		.map(([name]) => name);
	const n8nDir = path.dirname(path.dirname(options.toolchain.n8nBin));
	const exampleOptions = () => ({ rest, n8nDir, emulator: options.emulator, credential, inputDir, outputRoot: path.join(filesDir, 'out'), webhookBase: webhookUrl, cms: options.cms });
	for (const name of names.filter((n) => !EXPECTATIONS[n].scheduledDataTable)) {
		const run = await runAnyExample(name, exampleOptions());
		const ranOn = startedBy(run.executionId, workers);
		const single = options.single.find((s) => s.name === name);
		const sameImagesAsSingle = !!single && JSON.stringify(single.files) === JSON.stringify(run.files);
		const problems = run.problems.map((p) => `queue ${name}: ${p}`);
		if (ranOn.length === 0) problems.push(`queue ${name}: no worker log says "Worker started execution ${run.executionId}"`);
		if (startedBy(run.executionId, [main]).length) problems.push(`queue ${name}: the main instance ran execution ${run.executionId} itself`);
		if (!sameImagesAsSingle) problems.push(`queue ${name}: images differ from single mode: ${JSON.stringify(run.files)} vs ${JSON.stringify(single?.files)}`);
		const notInDatabase = run.binaryIds.filter((id) => !id.startsWith('database:'));
		if (notInDatabase.length) problems.push(`queue ${name}: output binaries not in the database binary store: ${notInDatabase.join(', ')}`);
		info(`${name}: ran on ${ranOn.join(' and ') || 'no worker'}; images ${sameImagesAsSingle ? 'identical to' : 'DIFFERENT from'} single mode; binaries ${run.binaryIds.map((id) => id.split(':')[0]).join(', ')}`);
		result.examples.push({ ...run, workers: ranOn, sameImagesAsSingle });
		result.problems.push(...problems);
	}

	for (const name of names.filter((n) => EXPECTATIONS[n].scheduledDataTable)) {
		const retired: N8nProcess[] = [];
		const ranOn = (executionId: string) => startedBy(executionId, [...retired, ...workers].filter((p) => p.kind === 'worker'));
		const run = await runScheduledExample(name, EXPECTATIONS[name], {
			...exampleOptions(),
			restart: async () => {
				retired.push(main, ...others);
				await stopProcesses([main, ...others].map((p) => p.process));
				main = await startN8n(setup, 'n8n-queue-main-restarted', 'start', webhookUrl);
				others = await startOthers('-restarted');
				workers = others.filter((p) => p.kind === 'worker');
				rest = await logIn(main.url);
				return rest;
			},
			// n8n 2.41.1 starts a worker's execution without the workflow's static data (only resumed executions
			// reload it), so the node's memory between runs is the worker process's own.
			memoryOf: (executionId) => ranOn(executionId).join(' and ') || 'no worker',
		});
		// Every scheduled run must have run on a worker, never on the main instance.
		const workersByRun = run.runs.map((r) => {
			if (startedBy(r.executionId, [...retired, main].filter((p) => p.kind === 'start')).length) run.problems.push(`run ${r.run}: the main instance ran execution ${r.executionId} itself`);
			return ranOn(r.executionId);
		});
		workersByRun.forEach((ranOn, i) => {
			if (ranOn.length === 0) run.problems.push(`run ${i + 1}: no worker log says "Worker started execution ${run.runs[i].executionId}"`);
		});
		info(`${name} in queue mode: runs on ${workersByRun.map((w) => w.join(' and ') || 'no worker').join(' | ')}`);
		result.schedule.push({ ...run, workersByRun, limitation: QUEUE_MEMORY_LIMITATION });
		result.problems.push(...run.problems.map((p) => `queue ${name}: ${p}`));
	}

	if (options.crashTest) {
		result.crash = await runCrashTest({ rest, emulator: options.emulator, credential, workers, n8nDir }).catch((error: unknown) => ({ failed: String(error) }));
		result.problems.push(...('failed' in result.crash ? [`crash test: ${result.crash.failed}`] : result.crash.problems.map((p) => `crash test: ${p}`)));
	}
	return result;
}
