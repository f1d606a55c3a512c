/**
 * `npm run e2e`: this package inside the real n8n app, as a self-hoster runs it.
 *
 *  1. toolchain   n8n 2.41.1 + Node 24 + SQLite binding in a cache folder outside the repo (reused), Debian's
 *                 chromium, redis-server and postgresql (installed when absent)
 *  2. package     npm run build, npm pack, `npm install <tarball> --omit=peer` in a fresh <userFolder>/.n8n/nodes
 *  3. single      n8n (SQLite) + the WaveSpeed emulator on free loopback ports: owner setup, credential created
 *                 and tested over REST, every example imported and run, images and node JSON checked
 *  4. editor      headless Chromium drives the editor: nodes panel search, parameters, credential dialog, output
 *  5. schedule    the Data Table example published on a short schedule: three production runs, n8n restarted
 *                 before the third (scheduled.ts)
 *  6. queue       PostgreSQL + Redis, n8n main + 2 workers + webhook processor: batch and webhook examples on workers,
 *                 the schedule phase again with main and workers restarted, and the crash test (crash.ts): a worker
 *                 killed during a 10-row batch, Get Many after it, a re-run after n8n's recovery
 *
 * A stand-in CMS (dev/cms) serves the product photos and receives the CMS example's upload.
 * Screenshots, logs and report.md/report.json go to e2e-output/ (git-ignored). Every process is stopped at the end.
 * Options: --skip-editor, --skip-queue, --keep (leave the temp folder), --only <name,...> (only the examples whose
 * names contain one of these words, e.g. --only cms,data-table; skips the editor, and queue mode unless one of them
 * runs there; the word crash selects the crash test), --skip-crash-test.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startCms, type Cms } from '../cms';
import { startEmulator, type Emulator } from '../emulator';
import { createAndTestCredential, createAndTestEachLabsCredential } from './credential';
import { checkEditor } from './editor';
import { expectationFor } from './expectations';
import { copyExampleAssets, exampleNames, type ExampleRun } from './examples';
import { runAnyExample } from './pair';
import { info, seconds, step } from './log';
import { logIn, setupOwnerAndLogin, startN8n } from './n8nApp';
import { buildAndPack, installIntoUserFolder, REPO } from './packageInstall';
import { installExitHandlers, stopProcesses } from './processes';
import { runQueueMode } from './queue';
import { writeReport, type Report } from './report';
import { runScheduledExample } from './scheduled';
import { ensureToolchain, N8N_VERSION } from './toolchain';

const OUTPUT_DIR = path.join(REPO, 'e2e-output');

async function main(): Promise<Report> {
	const argv = process.argv.slice(2);
	const args = new Set(argv);
	const onlyIndex = argv.indexOf('--only');
	const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',').filter(Boolean) : undefined;
	const selected = (name: string) => !only || only.some((word) => name.includes(word));
	const report: Report = { n8nVersion: N8N_VERSION, startedAt: new Date().toISOString(), phases: {}, examples: [], queue: undefined, editor: undefined, problems: [] };
	const t0 = Date.now();
	const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
		const started = Date.now();
		try {
			return await work();
		} finally {
			report.phases[name] = Date.now() - started;
			info(`${name}: ${seconds(report.phases[name])}`);
		}
	};

	rmSync(OUTPUT_DIR, { recursive: true, force: true });
	const logDir = path.join(OUTPUT_DIR, 'logs');
	mkdirSync(logDir, { recursive: true });
	const runRoot = mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
	// Others (the postgres user in queue mode) must be able to reach their folders inside it.
	chmodSync(runRoot, 0o755);
	let emulator: Emulator | undefined;
	let eachLabsEmulator: Emulator | undefined;
	let cms: Cms | undefined;
	installExitHandlers(async () => {
		await stopProcesses();
		await emulator?.close();
		await eachLabsEmulator?.close();
		await cms?.close();
	});

	try {
		const toolchain = await phase('toolchain', ensureToolchain);

		step('package: build, pack, install into a fresh n8n user folder');
		const tarball = await phase('package', async () => buildAndPack(path.join(runRoot, 'pack')));
		const userFolder = path.join(runRoot, 'single');
		installIntoUserFolder(tarball, userFolder);

		step('single mode: n8n with SQLite, the WaveSpeed emulator');
		// Long enough that the webhook example's execution is waiting before the emulator calls back.
		emulator = await startEmulator({ latencyMs: 2500 });
		info(`emulator on ${emulator.baseUrl} (CDN ${emulator.cdnBaseUrl})`);
		eachLabsEmulator = await startEmulator({ dialect: 'eachlabs', latencyMs: 2500 });
		info(`each::labs emulator on ${eachLabsEmulator.baseUrl}`);
		const filesDir = path.join(runRoot, 'single-files');
		mkdirSync(filesDir, { recursive: true });
		const setup = { toolchain, userFolder, filesDir, logDir, env: { DB_TYPE: 'sqlite', N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } };
		let main = await phase('n8n start (single)', () => startN8n(setup, 'n8n-single', 'start'));
		let rest = await setupOwnerAndLogin(main.url);
		const credential = await createAndTestCredential(rest, emulator);
		report.credential = { testOk: credential.testOk, testWrongKey: credential.testWrongKey };
		const eachLabsCredential = await createAndTestEachLabsCredential(rest, eachLabsEmulator);

		step('single mode: every example in examples/');
		const names = exampleNames().filter(selected);
		const inputDir = copyExampleAssets(filesDir);
		cms = await startCms({ photosDir: inputDir, products: ['SNK-001'] });
		info(`stand-in CMS on ${cms.baseUrl} (product photos at ${cms.photoUrl('')})`);
		const single: ExampleRun[] = [];
		// Read when called: a restart changes the URL and the session.
		const exampleOptions = () => ({
			rest,
			n8nDir: path.dirname(path.dirname(toolchain.n8nBin)),
			emulator: emulator!,
			credential,
			inputDir,
			outputRoot: path.join(filesDir, 'out'),
			webhookBase: `${main.url}/`,
			cms,
		});
		await phase('examples (single)', async () => {
			for (const name of names) {
				// Each example runs against its provider's emulator, with that provider's credential.
				const onEachLabs = expectationFor(name).provider === 'eachlabs';
				single.push(
					await runAnyExample(name, {
						...exampleOptions(),
						emulator: onEachLabs ? eachLabsEmulator! : emulator!,
						credential: onEachLabs ? eachLabsCredential : credential,
					}),
				);
			}
		});
		report.examples = single;

		if (!args.has('--skip-editor') && !only) {
			step('editor: headless Chromium');
			const run = single.find((e) => e.name === 'edit-one-product-photo') ?? single[0];
			const runWorkflow = { id: run.workflowId, imageNode: expectationFor(run.name).imageNode };
			report.editor = await phase('editor', () => checkEditor({ url: main.url, chromium: toolchain.chromium, outputDir: OUTPUT_DIR, rest, credential, eachLabsCredential, emulator: emulator!, runWorkflow }));
		}

		for (const name of names.filter((n) => expectationFor(n).scheduledDataTable)) {
			step(`single mode: ${name} as production runs on its schedule, n8n restarted before the third`);
			const run = await phase('schedule (single)', () =>
				runScheduledExample(name, expectationFor(name), {
					...exampleOptions(),
					cms: cms!,
					// Single mode: the node's memory is the workflow's static data, which n8n keeps in its database.
					memoryOf: () => "the workflow's static data (database)",
					restart: async () => {
						await stopProcesses([main.process]);
						main = await startN8n(setup, 'n8n-single-restarted', 'start');
						rest = await logIn(main.url);
						return rest;
					},
				}),
			);
			report.schedule = [...(report.schedule ?? []), { mode: 'single', ...run }];
			const index = single.findIndex((e) => e.name === name);
			single[index] = run;
		}
		await stopProcesses([main.process]);

		const crashTest = !args.has('--skip-crash-test') && selected('crash-test');
		const queueWanted = !only || crashTest || names.some((name) => expectationFor(name).queueMode);
		if (!args.has('--skip-queue') && queueWanted) {
			step('queue mode: PostgreSQL, Redis, n8n main + 2 workers + webhook processor');
			report.queue = await phase('queue mode', () => runQueueMode({ toolchain, tarball, runRoot, logDir, emulator: emulator!, single, cms: cms!, selected, crashTest }));
			report.schedule = [...(report.schedule ?? []), ...report.queue.schedule.map((run) => ({ mode: 'queue' as const, ...run }))];
		}
	} finally {
		await stopProcesses();
		await emulator?.close();
		await eachLabsEmulator?.close();
		await cms?.close();
		report.phases.total = Date.now() - t0;
		if (!args.has('--keep')) rmSync(runRoot, { recursive: true, force: true });
		else info(`kept ${runRoot}`);
	}
	return report;
}

main()
	.then((report) => {
		report.problems.push(...report.examples.flatMap((e) => e.problems.map((p) => `single ${e.name}: ${p}`)));
		if (report.queue) report.problems.push(...report.queue.problems);
		if (report.editor) report.problems.push(...report.editor.problems);
		writeReport(OUTPUT_DIR, report);
		if (report.problems.length > 0) {
			console.error(`\ne2e FAILED (${report.problems.length} problem(s)):\n  ${report.problems.join('\n  ')}`);
			process.exit(1);
		}
		console.log(`\ne2e passed in ${seconds(report.phases.total)}; report: ${path.relative(process.cwd(), path.join(OUTPUT_DIR, 'report.md'))}`);
		process.exit(0);
	})
	.catch((error: unknown) => {
		console.error(`\ne2e FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		console.error(`logs: ${path.join(OUTPUT_DIR, 'logs')}`);
		process.exit(1);
	});
