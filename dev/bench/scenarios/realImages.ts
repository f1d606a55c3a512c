/**
 * Overhead with real images: unique ~1.6 MB 1024x1024 PNGs in and out (what a catalogue looks like), zero task
 * latency, filesystem binary mode. Reports items/s and where each item's time goes, from the emulator's log.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import sharp from 'sharp';

import type { Emulator } from '../../emulator';
import { startEmulator } from '../../emulator';
import { runChild } from '../childProcess';
import type { Figure } from '../figures';
import { figure, megabytes, seconds } from '../figures';
import type { RealImagesReport } from '../realImagesChild';
import { median } from '../stats';

/**
 * 300 by default so the whole bench stays near 15 min on 2 cores; BENCH_IMAGES=1000 runs the full catalogue
 * (the images are written once into bench-output/images: about 1.7 MB each).
 */
export const REAL_IMAGES = Number(process.env.BENCH_IMAGES ?? 300);
export const REAL_IMAGES_CONCURRENCY = 20;
const SIDE = 1024;
const DIR = path.resolve(__dirname, '..', '..', '..', 'bench-output', 'images');

/** A unique picture: gradients plus seeded fine noise, which is what makes a photo's PNG about 1.6 MB. */
function pixels(seed: number): Buffer {
	const raw = Buffer.alloc(SIDE * SIDE * 3);
	let state = (seed * 2654435761) >>> 0 || 1;
	for (let y = 0; y < SIDE; y++) {
		const amplitude = y < 600 ? 3 : 2;
		for (let x = 0; x < SIDE; x++) {
			state = (Math.imul(state, 1103515245) + 12345) >>> 0;
			const i = (y * SIDE + x) * 3;
			raw[i] = (x / 4 + ((state >>> 16) % amplitude) + seed) & 255;
			raw[i + 1] = (y / 4 + ((state >>> 8) % amplitude)) & 255;
			raw[i + 2] = ((x + y) / 8 + ((state >>> 4) % amplitude) + seed * 7) & 255;
		}
	}
	return raw;
}

/** Writes the pictures that are missing; returns every path. */
async function ensureImages(count: number): Promise<string[]> {
	mkdirSync(DIR, { recursive: true });
	const paths = Array.from({ length: count }, (_, i) => path.join(DIR, `photo-${String(i).padStart(4, '0')}.png`));
	const missing = paths.map((file, i) => ({ file, i })).filter(({ file }) => !existsSync(file) || statSync(file).size === 0);
	for (let start = 0; start < missing.length; start += 4) {
		await Promise.all(
			missing.slice(start, start + 4).map(async ({ file, i }) => {
				await sharp(pixels(i + 1), { raw: { width: SIDE, height: SIDE, channels: 3 } }).png({ compressionLevel: 6 }).toFile(file);
			}),
		);
	}
	return paths;
}

export interface RealImagesRun extends RealImagesReport {
	inputBytes: number;
	/** Medians per item (ms), from the emulator's request log of the measured run. */
	phases: { upload: number; submitToFirstLook: number; firstLookToDone: number; doneToDownload: number; looks: number };
}

/** Where each item's time goes, as the emulator saw its requests arrive. */
function phases(emulator: Emulator, measuredIds: Set<string>): RealImagesRun['phases'] {
	const byId = new Map<string, number[]>();
	const downloads = new Map<string, number>();
	for (const r of emulator.requests) {
		const result = /\/predictions\/([^/]+)\/result/.exec(r.path)?.[1];
		if (result && r.origin === emulator.baseUrl) byId.set(result, [...(byId.get(result) ?? []), r.at]);
		const output = /\/outputs\/([^./]+)\./.exec(r.path)?.[1];
		if (output && !r.internal) downloads.set(output, r.at);
	}
	// Upload: from the ticket request to the submit that used it (ticket, PUT, and the hashing in between).
	const tickets = emulator.requests.filter((r) => r.endpoint === 'upload-ticket').map((r) => r.at);
	const tasks = emulator.tasks.filter((t) => measuredIds.has(t.id));
	const uploads = tasks.map((t) => {
		const before = tickets.filter((at) => at <= t.createdAt);
		return before.length ? t.createdAt - before[before.length - 1] : NaN;
	});
	const looks = tasks.map((t) => byId.get(t.id) ?? []);
	return {
		upload: median(uploads.filter(Number.isFinite)),
		submitToFirstLook: median(tasks.map((t, i) => (looks[i][0] ?? NaN) - t.createdAt).filter(Number.isFinite)),
		firstLookToDone: median(looks.map((l) => (l.length ? l[l.length - 1] - l[0] : NaN)).filter(Number.isFinite)),
		doneToDownload: median(tasks.map((t, i) => (downloads.get(t.id) ?? NaN) - (looks[i][looks[i].length - 1] ?? t.createdAt)).filter(Number.isFinite)),
		looks: median(looks.map((l) => l.length)),
	};
}

export async function runRealImages(): Promise<RealImagesRun> {
	const paths = await ensureImages(REAL_IMAGES);
	const list = path.join(DIR, 'list.txt');
	writeFileSync(list, `${paths.join('\n')}\n`);
	// The server is another machine in production: here it hands back the input (a unique ~1.6 MB PNG) without rendering.
	const emulator = await startEmulator({ latencyMs: 0, echoFirstReference: true });
	try {
		const report = await runChild<RealImagesReport>('dev/bench/realImagesChild.ts', [emulator.baseUrl, emulator.apiKey, list, String(REAL_IMAGES_CONCURRENCY)]);
		// The child's 20-item warm-up ran first: the measured run's tasks are the last ones.
		const measured = new Set(emulator.tasks.slice(-REAL_IMAGES).map((t) => t.id));
		const inputBytes = paths.reduce((sum, file) => sum + statSync(file).size, 0);
		return { ...report, inputBytes, phases: phases(emulator, measured) };
	} finally {
		await emulator.close();
	}
}

export function realImagesFigures(run: RealImagesRun): Figure[] {
	const name = `real images: ${run.items} unique PNGs, 0 s, conc ${REAL_IMAGES_CONCURRENCY}, filesystem`;
	const perSecond = run.items / (run.wallMs / 1000);
	const p = run.phases;
	return [
		figure(name, 'items/s end to end', perSecond, 'items/s', perSecond.toFixed(1)),
		figure(name, 'image bytes in / out (mean)', run.inputBytes, 'bytes', `${megabytes(run.inputBytes / run.items)} / ${megabytes(run.outputBytes / run.items)}`),
		figure(name, 'wall time (of it: Read Files, Edit)', run.wallMs, 'ms', `${seconds(run.wallMs, 1)} (${seconds(run.readFileMs, 1)}, ${seconds(run.editNodeMs, 1)})`),
		figure(name, 'per item: upload (ticket to submit)', p.upload, 'ms', seconds(p.upload, 3)),
		figure(name, 'per item: submit to first look (learned work time)', p.submitToFirstLook, 'ms', seconds(p.submitToFirstLook, 3)),
		figure(name, 'per item: looks, first look to done', p.firstLookToDone, 'ms', `${p.looks} / ${seconds(p.firstLookToDone, 3)}`),
		figure(name, 'per item: done to download', p.doneToDownload, 'ms', seconds(p.doneToDownload, 3)),
	];
}
