/**
 * `npm run demo`: runs every example workflow through the real n8n engine against the provider's emulator
 * (or the real API when WAVESPEED_API_KEY / EACHLABS_API_KEY is set) and writes the images to demo-output/<example>/.
 * The CMS example runs against the stand-in CMS (dev/cms); the Data Table example needs the n8n app (npm run e2e).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Cms } from '../cms';
import { startCms } from '../cms';
import type { Emulator } from '../emulator';
import { startEmulator } from '../emulator';
import type { RunResult } from '../harness';
import { runWorkflow } from '../harness';
import type { Example } from './examples';
import { runCmsRoundTrip } from './cms';
import { ASSETS_DIR, EXAMPLES, exampleNamed, loadExample } from './examples';
import { runExamplePair } from './pair';
import { checkImageFile, printTable, type ReportRow, writeBeforeAfter } from './report';

const REPO = path.resolve(__dirname, '..', '..');
const OUTPUT_ROOT = path.join(REPO, 'demo-output');
const REAL_API_RUNS = 10;

interface Target {
	apiKey: string;
	baseUrl: string;
	emulator?: Emulator;
}

type ProviderId = NonNullable<Example['provider']>;

/** The credential type and the status word of a finished prediction, per provider. */
const PROVIDER = {
	wavespeed: { credentialType: 'waveSpeedApi', done: 'completed' },
	eachlabs: { credentialType: 'eachLabsApi', done: 'success' },
} as const;

/** each::labs: the real API when EACHLABS_API_KEY is set (one example, one prediction), else its emulator. */
async function chooseEachLabsTarget(): Promise<Target> {
	const key = process.env.EACHLABS_API_KEY?.trim();
	if (key) {
		const baseUrl = process.env.EACHLABS_BASE_URL?.trim() || 'https://api.eachlabs.ai';
		console.log(`EACHLABS_API_KEY is set: using the REAL each::labs API at ${baseUrl} for the each::labs example (one prediction, billed by tokens).`);
		if (!process.env.CI && !process.argv.includes('--yes')) {
			console.log('Starting in 10 s; press Ctrl-C to stop (or pass --yes to skip this wait).');
			await new Promise((resolve) => setTimeout(resolve, 10_000));
		}
		return { apiKey: key, baseUrl };
	}
	const emulator = await startEmulator({ dialect: 'eachlabs', latencyMs: 1500, inFlightCap: 2, onRequest: logEmulatorProgress });
	console.log(`Using the built-in each::labs emulator at ${emulator.baseUrl} for the each::labs example (no key, no cost).`);
	return { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, emulator };
}

async function chooseTarget(): Promise<Target> {
	const key = process.env.WAVESPEED_API_KEY?.trim();
	if (key) {
		const baseUrl = process.env.WAVESPEED_BASE_URL?.trim() || 'https://api.wavespeed.ai';
		console.log(`WAVESPEED_API_KEY is set: using the REAL WaveSpeed API at ${baseUrl}.`);
		console.log(`This submits about ${REAL_API_RUNS} GPT Image 2 tasks and costs money (from about $0.06 each; 4K/high cost more).`);
		if (!process.env.CI && !process.argv.includes('--yes')) {
			console.log('Starting in 10 s; press Ctrl-C to stop (or pass --yes to skip this wait).');
			await new Promise((resolve) => setTimeout(resolve, 10_000));
		}
		return { apiKey: key, baseUrl };
	}
	const emulator = await startEmulator({ latencyMs: 1200, concurrency: 5, onRequest: logEmulatorProgress });
	console.log(`Using the built-in WaveSpeed emulator at ${emulator.baseUrl} (no key, no cost).`);
	console.log('Set WAVESPEED_API_KEY to run the same workflows against the real API.');
	return { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, emulator };
}

/** The product an uploaded media id was set on, as the stand-in CMS holds it. */
const PRODUCT_OF = (store: Cms, mediaId: number): string => [...store.products.values()].find((p) => p.featuredMedia === mediaId)?.id ?? 'none';

let currentExample = '';
const started = new Map<string, number>();

/** Per-item progress: each item is one WaveSpeed task, so the emulator sees each one start and finish. */
function logEmulatorProgress(request: { method: string; endpoint: string; path: string; json?: unknown; status?: number }): void {
	if (request.endpoint === 'submit' && request.status === 200) {
		const body = request.json as { prompt?: string; input?: { prompt?: string } } | undefined;
		console.log(`  [${currentExample}] submitted a task (${String(body?.prompt ?? body?.input?.prompt ?? '').slice(0, 50)}…)`);
	}
	if (request.endpoint === 'cdn' && request.method === 'GET' && request.path.startsWith('/outputs/') && request.status === 200) {
		const id = path.basename(request.path).replace(/\.\w+$/, '');
		console.log(`  [${currentExample}] task ${id.slice(0, 8)} finished, image downloaded`);
		started.delete(id);
	}
}

let cms: Cms | undefined;

/**
 * A plain example runs once; a pair runs its submitter and then the trigger's workflow once per callback; the CMS
 * example is called at its webhook by the stand-in CMS (which also serves the photo the provider fetches).
 */
async function runOne(example: Example, target: Target, outputDir: string, credentialType: string): Promise<{ result: RunResult; results: RunResult[] }> {
	const credentials = { apiKey: target.apiKey, baseUrl: target.baseUrl };
	if (example.cms) {
		cms ??= await startCms({ photosDir: ASSETS_DIR, products: ['SNK-001'] });
		const trip = await runCmsRoundTrip(loadExample(example, { outputDir }), cms, credentials);
		console.log(`  the CMS answered ${trip.status} ${JSON.stringify(trip.answer)}`);
		for (const media of trip.uploads) {
			// The demo's output folder gets what the CMS received, so it can be looked at.
			writeFileSync(path.join(outputDir, media.fileName), media.data);
			console.log(`  the CMS received ${media.fileName}: ${media.declaredType}, ${media.width}x${media.height}, ${media.bytes} bytes; set on product ${PRODUCT_OF(cms, media.id)}`);
		}
		return { result: trip.result, results: [trip.result] };
	}
	if (!example.pair) {
		const result = await runWorkflow(loadExample(example, { outputDir }), { credentials: { [credentialType]: credentials } }).promise;
		return { result, results: [result] };
	}
	const { submit, triggered } = await runExamplePair(
		loadExample(example, { outputDir }),
		loadExample(exampleNamed(example.pair.trigger), { outputDir }),
		credentials,
		example.pair.submitNode,
	);
	const failed = triggered.find((r) => r.status !== 'success');
	return { result: submit.status === 'success' && failed ? failed : submit, results: triggered };
}

async function runExample(example: Example, target: Target): Promise<{ rows: ReportRow[]; ok: boolean }> {
	const provider = PROVIDER[example.provider ?? 'wavespeed'];
	currentExample = example.name;
	const outputDir = path.join(OUTPUT_ROOT, example.name);
	rmSync(outputDir, { recursive: true, force: true });
	mkdirSync(outputDir, { recursive: true });
	console.log(`\n▶ ${example.title} (examples/${example.file})`);
	const begin = Date.now();
	const ticker = target.emulator ? undefined : setInterval(() => console.log(`  … still running (${Math.round((Date.now() - begin) / 1000)} s)`), 10_000);
	const { result, results } = await runOne(example, target, outputDir, provider.credentialType);
	if (ticker) clearInterval(ticker);

	const rows: ReportRow[] = [];
	if (result.status !== 'success') {
		const where = result.error?.node ? ` in node "${result.error.node}"` : '';
		rows.push({ example: example.name, item: '-', id: '-', status: 'failed', seconds: (Date.now() - begin) / 1000, file: `${result.error?.message ?? result.status}${where}` });
		console.log(`  ✗ failed${where}: ${result.error?.message}\n    ${result.error?.description ?? ''}`);
		return { rows, ok: false };
	}
	let ok = true;
	for (const nodeName of example.imageNodes) {
		for (const [index, item] of results.flatMap((r) => r.output(nodeName)).entries()) {
			const json = item.json as { id?: string; status?: string; error?: string; inferenceMs?: number; images?: Array<{ width: number; height: number }> };
			const task = target.emulator?.tasks.find((t) => t.id === json.id);
			const seconds = task?.completedAt ? (task.completedAt - task.createdAt) / 1000 : (json.inferenceMs ?? 0) / 1000;
			// The trigger example names each file after the ?sku= its callback URL carried.
			const sku = (json as { query?: { sku?: unknown } }).query?.sku;
			const fileName = typeof sku === 'string' ? `${sku}.png` : item.binary?.data?.fileName;
			const file = fileName ? path.join(outputDir, fileName) : undefined;
			const check = file ? await checkImageFile(file, json.images?.[0]) : 'no image';
			const good = !json.error && json.status === provider.done && check === 'ok';
			ok &&= good;
			rows.push({
				example: example.name,
				item: String(index),
				id: json.id ?? '-',
				status: json.error ? `error: ${json.error}` : good ? json.status ?? '?' : `${json.status}: ${check}`,
				seconds,
				file: file ? path.relative(REPO, file) : '-',
			});
		}
	}
	console.log(`  ${ok ? '✓' : '✗'} ${rows.length} image(s) in ${path.relative(REPO, outputDir)}/ (${((Date.now() - begin) / 1000).toFixed(1)} s)`);
	return { rows, ok };
}

async function main(): Promise<void> {
	const targets: Record<ProviderId, Target> = { wavespeed: await chooseTarget(), eachlabs: await chooseEachLabsTarget() };
	const rows: ReportRow[] = [];
	let allOk = true;
	try {
		for (const example of EXAMPLES) {
			if (example.startedByCallbacks) continue;
			if (example.dataTables) {
				console.log(
					`\n▷ ${example.title} (examples/${example.file}): skipped here. Its Data Table nodes need n8n's Data Table service, which lives in the n8n app's database; this demo runs n8n-core alone (no database), where the node stops with "the module is disabled". \`npm run e2e\` runs it in the real app: three scheduled production runs over a table created through n8n's API, with a restart before the third.`,
				);
				continue;
			}
			const target = targets[example.provider ?? 'wavespeed'];
			// The real API cannot call back to this machine's loopback trigger, nor fetch the stand-in CMS's photo.
			if ((example.pair || example.cms) && !target.emulator) {
				const why = example.pair ? 'its callbacks need a public n8n URL' : 'the provider cannot fetch the photo from the stand-in CMS on this machine';
				console.log(`\n▷ ${example.title}: skipped with the real API (${why})`);
				continue;
			}
			const { rows: exampleRows, ok } = await runExample(example, target);
			rows.push(...exampleRows);
			allOk &&= ok;
		}
	} finally {
		await targets.wavespeed.emulator?.close();
		await targets.eachlabs.emulator?.close();
		await cms?.close();
	}
	printTable(rows);
	const edited = rows.find((r) => r.example === 'edit-one-product-photo' && r.status === 'completed');
	if (edited) {
		await writeBeforeAfter(path.join(REPO, 'examples', 'assets', 'sneaker.jpg'), path.join(REPO, edited.file), path.join(OUTPUT_ROOT, 'before-after.jpg'));
		console.log(`\nBefore/after of the first example: ${path.relative(REPO, path.join(OUTPUT_ROOT, 'before-after.jpg'))}`);
	}
	const images = rows.filter((r) => r.file !== '-' && existsSync(path.join(REPO, r.file))).length;
	console.log(`\n${images} image(s) written under ${path.relative(process.cwd(), OUTPUT_ROOT) || '.'}/`);
	if (!allOk) {
		console.log('The demo FAILED: see the rows marked above.');
		process.exitCode = 1;
	} else {
		console.log('Every example succeeded.');
	}
	// n8n's engine keeps a few timers alive; the work is done.
	setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
