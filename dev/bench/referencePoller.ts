/**
 * The baselines: what a plain client does, with plain HTTP against the same emulator API. Upload the photo once,
 * then N lanes, each: submit, look at fixed times from the submit answer (t0 + k x interval) until done; download
 * the output; next row. Fixed times, not "sleep an interval after each answer": that would drift by a round trip
 * per look and flatter any poller compared with it.
 * The 2 s one is the naive poller; the 1 s one is what WaveSpeed's SDK does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Emulator } from '../emulator';
import { BENCH_PROMPT, REFERENCE_IMAGE } from './workflows';

export interface PollerSpec {
	items: number;
	concurrency: number;
	intervalMs: number;
	/** Per row, from its submit (the node's default: 600 s). */
	timeoutMs?: number;
	quality?: 'low' | 'medium' | 'high';
}

export interface PollerRun {
	wallMs: number;
	timeouts: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps until the clock reads at least `at` (a timer may wake a millisecond early by the clock). */
async function sleepUntil(at: number): Promise<void> {
	for (let left = at - Date.now(); left > 0; left = at - Date.now()) await sleep(left);
}

interface Envelope {
	code: number;
	data: Record<string, unknown>;
}

async function api(emulator: Emulator, method: string, route: string, body?: unknown): Promise<Envelope> {
	const response = await fetch(`${emulator.baseUrl}${route}`, {
		method,
		headers: { Authorization: `Bearer ${emulator.apiKey}`, 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const envelope = (await response.json()) as Envelope;
	if (envelope.code !== 200) throw new Error(`${method} ${route}: ${envelope.code}`);
	return envelope;
}

/** The ticket + PUT upload, once for the whole batch (every row uses the same photo). */
async function uploadPhoto(emulator: Emulator): Promise<string> {
	const bytes = readFileSync(REFERENCE_IMAGE);
	const ticket = await api(emulator, 'POST', '/api/v3/media/uploads', { filename: path.basename(REFERENCE_IMAGE), size: bytes.length, content_type: 'image/jpeg' });
	const upload = ticket.data.upload as { url: string; headers: Record<string, string> };
	const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
	if (!put.ok) throw new Error(`upload PUT ${put.status}`);
	return ticket.data.download_url as string;
}

const FINISHED = new Set(['completed', 'failed']);

/** One row: submit, look at t0 + k x interval (t0: the submit answer), download. False on timeout. */
async function row(emulator: Emulator, photoUrl: string, spec: PollerSpec): Promise<boolean> {
	const submitted = await api(emulator, 'POST', '/api/v3/openai/gpt-image-2/edit', {
		prompt: BENCH_PROMPT,
		images: [photoUrl],
		aspect_ratio: '1:1',
		resolution: '1k',
		quality: spec.quality ?? 'low',
		output_format: 'png',
	});
	const id = submitted.data.id as string;
	const submittedAt = Date.now();
	const deadline = submittedAt + (spec.timeoutMs ?? 600_000);
	for (let look = 1; ; look++) {
		const at = submittedAt + look * spec.intervalMs;
		if (at > deadline) return false;
		await sleepUntil(at);
		const result = await api(emulator, 'GET', `/api/v3/predictions/${id}/result`);
		if (!FINISHED.has(result.data.status as string)) continue;
		const output = (result.data.outputs as string[])[0];
		if (output) await (await fetch(output)).arrayBuffer();
		return true;
	}
}

export async function runPoller(emulator: Emulator, spec: PollerSpec): Promise<PollerRun> {
	const started = Date.now();
	const photoUrl = await uploadPhoto(emulator);
	let next = 0;
	let timeouts = 0;
	const lane = async () => {
		while (next < spec.items) {
			next += 1;
			if (!(await row(emulator, photoUrl, spec))) timeouts += 1;
		}
	};
	await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.items) }, lane));
	return { wallMs: Date.now() - started, timeouts };
}
