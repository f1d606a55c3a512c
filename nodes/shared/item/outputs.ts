/** Outputs: each image downloaded without the key (or decoded from base64) into n8n binary data. */
import type { IBinaryData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { FailureError } from '../core/errors';
import type { ImageType, PixelSize } from '../core/imageFormat';
import { extensionFor, ImageStructureCheck, MIME_TYPES, readPixelSize, sniffImageType } from '../core/imageFormat';
import { FREE_REQUEST_RETRY } from '../http/retry';
import { settle } from '../core/settle';
import { sendPlainRequest, withRetries } from '../http/transport';
import { redactUrl } from '../core/urls';
import { SHORTEST_RETENTION } from '../providers/catalog';

/** A 4K PNG is about 25 MB; anything far beyond that is not an image we asked for. */
export const MAX_OUTPUT_BYTES = 100 * 1024 * 1024;
/** GPT Image 2 returns one image per request; far more than the reference limit is not an answer to trust. */
export const MAX_OUTPUTS = 16;
/** A download that delivers no bytes for this long is abandoned and tried again. */
export const DOWNLOAD_STALL_MS = 30_000;
/** How often the download watchdog looks at the clock. */
const WATCHDOG_TICK_MS = 1000;

/** When a download must end: the row's deadline, and the Timeout it came from (for the message). */
export interface DownloadLimits {
	deadline: number;
	timeoutSeconds: number;
}

/** Decoded size of base64 text, from its length alone (checked before decoding anything). */
export function base64DecodedBytes(data: string): number {
	const trimmed = data.replace(/=+\s*$/, '');
	return Math.floor((trimmed.length * 3) / 4);
}

/** Why the watchdog stops a download now, or undefined to let it run. Pure: the caller keeps the clock. */
export function downloadWatchdogVerdict(now: number, lastProgressAt: number, deadline: number): 'stalled' | 'deadline' | undefined {
	if (now >= deadline) return 'deadline';
	if (now - lastProgressAt >= DOWNLOAD_STALL_MS) return 'stalled';
	return undefined;
}
/** Enough of the file to find a JPEG's frame header behind its metadata. */
const HEADER_BYTES = 256 * 1024;

/** The contexts that store binaries: the nodes' execute() and the trigger's webhook(). */
export type OutputContext = IExecuteFunctions | IWebhookFunctions;

export interface OutputImage {
	binary: IBinaryData;
	type: ImageType;
	size?: PixelSize;
	bytes: number;
}

export type OutputSource = { type: 'url'; url: string } | { type: 'base64'; data: string };

/** An output is a URL when it has a scheme, else raw base64 (inline output); other schemes are refused. */
export function classifyOutput(value: string): OutputSource | { type: 'invalid'; reason: string } {
	const schemeMatch = /^([a-z][a-z0-9+.-]*):/i.exec(value.slice(0, 40));
	if (schemeMatch) {
		const scheme = schemeMatch[1].toLowerCase();
		if (scheme === 'http' || scheme === 'https') return { type: 'url', url: value };
		if (scheme === 'data') {
			const comma = value.indexOf(',');
			return comma > 0 ? { type: 'base64', data: value.slice(comma + 1) } : { type: 'invalid', reason: 'an empty data: URL' };
		}
		return { type: 'invalid', reason: `a ${scheme}: URL, which is not http or https` };
	}
	return { type: 'base64', data: value };
}

/** The name the file gets: the user's (extension added or fixed), else the prediction id; `_N` for extra outputs. */
export function outputFileName(requested: string | undefined, predictionId: string, index: number, type: ImageType): string {
	const extension = extensionFor(type);
	const cleaned = Array.from(requested ?? '', (c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('').trim();
	const withoutExtension = cleaned.replace(/\.(png|jpe?g|webp|gif|bmp|tiff?|heic|avif)$/i, '');
	const base = withoutExtension || predictionId || 'image';
	return `${base}${index > 0 ? `_${index}` : ''}.${extension}`;
}

/** Binary fields: `data`, `data_1`, `data_2`, ... */
export function outputFieldName(base: string, index: number): string {
	return index === 0 ? base : `${base}_${index}`;
}

const downloadFailure = (message: string, hint: string, httpCode?: number) =>
	new FailureError({ kind: 'download', message, hint, httpCode });

/** Where an output comes from and what it should be: `label` names the provider in messages. */
export interface OutputTarget {
	fileNameFor: (type: ImageType) => string;
	expectedType: ImageType;
	label: string;
	/** The credential's Base URL: every redirect of a download is checked against it. */
	baseUrl: string;
	/** The Timeout bounds every download (besides the stall watchdog): one policy for the nodes and the trigger. */
	limits: DownloadLimits;
}

/** Fetches and stores one output image. */
export async function storeOutput(fx: OutputContext, source: OutputSource, target: OutputTarget): Promise<OutputImage> {
	if (source.type === 'base64') return await storeBase64(fx, source.data, target);
	const { limits } = target;
	return await withRetries(fx, FREE_REQUEST_RETRY, async () => await downloadOnce(fx, source.url, target, limits), limits.deadline);
}

async function storeBase64(fx: OutputContext, data: string, { fileNameFor, label }: OutputTarget): Promise<OutputImage> {
	const decoded = base64DecodedBytes(data);
	if (decoded > MAX_OUTPUT_BYTES) {
		throw new FailureError({
			kind: 'download',
			// The answer was a 2xx: marks the failure as not worth retrying.
			httpCode: 200,
			message: `${label} returned base64 output of about ${Math.round(decoded / 1024 / 1024)} MB; the limit is ${MAX_OUTPUT_BYTES / 1024 / 1024} MB`,
			hint: 'That is not an image GPT Image 2 produces. Set Transfer to Download From URL, or use Output: URL Only to inspect it.',
		});
	}
	const bytes = Buffer.from(data, 'base64');
	const type = sniffImageType(bytes);
	if (!type) throw downloadFailure(`${label} returned base64 output that is not an image`, 'Try again, or set Transfer to Download From URL.');
	const structure = new ImageStructureCheck(type);
	structure.push(bytes);
	const damaged = structure.finish();
	if (damaged) throw downloadFailure(`${label} returned base64 output that is ${damaged}`, 'Try again, or set Transfer to Download From URL.');
	const binary = await fx.helpers.prepareBinaryData(bytes, fileNameFor(type), MIME_TYPES[type]);
	return { binary, type, size: readPixelSize(bytes), bytes: bytes.length };
}

interface ReadableLike extends AsyncIterable<Buffer> {
	on(event: string, listener: (...args: never[]) => void): unknown;
	prependListener(event: 'data', listener: (chunk: Buffer) => void): unknown;
	removeListener(event: string, listener: (...args: never[]) => void): unknown;
	destroy(error?: Error): unknown;
}

/**
 * Sees every chunk of a stream that someone else consumes. The listener is attached only when the consumer
 * attaches its own, so no chunk flows before the consumer is there (and n8n's reader never calls resume()).
 */
export function watchChunks(stream: ReadableLike, onChunk: (chunk: Buffer) => void): void {
	const onNewListener = (event: string) => {
		if (event !== 'data' && event !== 'readable') return;
		stream.removeListener('newListener', onNewListener as never);
		stream.prependListener('data', onChunk);
	};
	stream.on('newListener', onNewListener as never);
}

interface Watch {
	lastProgressAt: number;
	verdict?: 'stalled' | 'deadline';
	body?: ReadableLike;
}

/** Looks at the clock every second until the download ends; stops it when it stalls or outlives the row's deadline. */
async function runWatchdog(watch: Watch, deadline: number, stop: AbortController, finished: AbortSignal): Promise<void> {
	while (!finished.aborted) {
		const slept = await settle(sleep(WATCHDOG_TICK_MS, finished));
		if (!slept.ok) return;
		const verdict = downloadWatchdogVerdict(Date.now(), watch.lastProgressAt, deadline);
		if (verdict) {
			watch.verdict = verdict;
			stop.abort();
			watch.body?.destroy(new Error(`download ${verdict}`));
			return;
		}
	}
}

/** One download attempt that always ends: by its bytes, a stall (retried as a network error) or the row's deadline. */
async function downloadOnce(fx: OutputContext, url: string, target: OutputTarget, limits: DownloadLimits): Promise<OutputImage> {
	const where = describeHost(url);
	if (Date.now() >= limits.deadline) throw deadlineFailure(where, limits);
	const watch: Watch = { lastProgressAt: Date.now() };
	const stop = new AbortController();
	const finished = new AbortController();
	const watchdog = runWatchdog(watch, limits.deadline, stop, finished.signal);
	const outcome = await settle(downloadWatched(fx, url, target, watch, stop.signal, limits));
	finished.abort();
	await watchdog;
	if (watch.verdict === 'deadline') throw deadlineFailure(where, limits);
	if (watch.verdict === 'stalled') {
		throw downloadFailure(`Downloading the output image from ${where} stalled (no data for ${DOWNLOAD_STALL_MS / 1000} s)`, 'Try again, or use Output: URL Only.');
	}
	if (!outcome.ok) throw outcome.error;
	return outcome.value;
}

const deadlineFailure = (where: string, limits: DownloadLimits) =>
	new FailureError({
		kind: 'timeout',
		message: `Downloading the output image from ${where} did not finish within the Timeout (${limits.timeoutSeconds} s)`,
		hint: 'The image is ready: fetch it with Get Result and this prediction ID instead of paying again, or raise Options > Timeout, or use Output: URL Only.',
	});

/** Streams the download into n8n's binary store while checking size and signature on the way. */
async function downloadWatched(
	fx: OutputContext,
	url: string,
	{ fileNameFor, expectedType, label, baseUrl }: OutputTarget,
	watch: Watch,
	signal: AbortSignal,
	limits: DownloadLimits,
): Promise<OutputImage> {
	const timeoutMs = Math.max(1000, Math.min(300_000, Math.round(limits.deadline - Date.now())));
	const response = await sendPlainRequest(fx, { method: 'GET', url, stream: true, timeoutMs, signal, baseUrl }, 'download', label);
	const body = response.body as ReadableLike;
	watch.body = body;
	watch.lastProgressAt = Date.now();
	const where = describeHost(url);
	if (response.status < 200 || response.status >= 300) {
		body.destroy?.();
		throw downloadFailure(
			`Downloading the output image from ${where} failed (${response.status})`,
			`Outputs are deleted after ${SHORTEST_RETENTION.days} days. Try again, or use Output: URL Only.`,
			response.status,
		);
	}
	const declared = Number(response.headers['content-length']);
	if (Number.isFinite(declared) && declared > MAX_OUTPUT_BYTES) {
		body.destroy();
		throw tooLargeFailure(where, response.status);
	}
	const contentType = (response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (contentType && !contentType.startsWith('image/') && contentType !== 'application/octet-stream' && contentType !== 'binary/octet-stream') {
		body.destroy();
		throw notImageFailure(where, contentType, response.status, label);
	}

	const head: Buffer[] = [];
	let headLength = 0;
	let total = 0;
	let problem: FailureError | undefined;
	// A header that looks like an image is not enough: the whole file must hold together (see ImageStructureCheck).
	let structure: ImageStructureCheck | undefined;
	watchChunks(body, (chunk: Buffer) => {
		watch.lastProgressAt = Date.now();
		if (problem) return;
		total += chunk.length;
		if (headLength < HEADER_BYTES) {
			head.push(chunk);
			headLength += chunk.length;
			if (headLength >= 16 && !structure) {
				const sniffed = sniffImageType(Buffer.concat(head));
				if (!sniffed) problem = notImageFailure(where, contentType || 'unknown', response.status, label);
				else {
					structure = new ImageStructureCheck(sniffed);
					for (const earlier of head) structure.push(earlier);
				}
			} else structure?.push(chunk);
		} else structure?.push(chunk);
		if (!problem && structure?.problem) problem = damagedFailure(where, structure.problem, response.status, label);
		if (total > MAX_OUTPUT_BYTES) problem = tooLargeFailure(where, response.status);
		if (problem) body.destroy(problem);
	});

	const typeFromHeader = (contentType && (Object.entries(MIME_TYPES).find(([, mime]) => mime === contentType)?.[0] as ImageType)) || expectedType;
	const stored = await settle(fx.helpers.prepareBinaryData(body as never, fileNameFor(typeFromHeader), MIME_TYPES[typeFromHeader]));
	if (problem) throw problem;
	if (!stored.ok) throw downloadFailure(`Downloading the output image from ${where} was interrupted`, 'Try again, or use Output: URL Only.');
	const binary = stored.value;
	const headBytes = Buffer.concat(head);
	const type = sniffImageType(headBytes);
	if (!type) throw notImageFailure(where, contentType || 'unknown', response.status, label);
	if (!structure) {
		// A file shorter than the sniffing threshold: check what there is.
		structure = new ImageStructureCheck(type);
		for (const earlier of head) structure.push(earlier);
	}
	const damaged = structure.finish();
	if (damaged) throw damagedFailure(where, damaged, response.status, label);
	if (type !== typeFromHeader) {
		// The server's label was wrong: keep the bytes, correct the label and name.
		binary.mimeType = MIME_TYPES[type];
		binary.fileExtension = extensionFor(type);
		binary.fileName = fileNameFor(type);
	}
	return { binary, type, size: readPixelSize(headBytes), bytes: total };
}

// Both carry the (successful) HTTP status, which marks them as not worth retrying.
const tooLargeFailure = (where: string, httpCode: number) =>
	downloadFailure(
		`The output image from ${where} is larger than ${MAX_OUTPUT_BYTES / 1024 / 1024} MB`,
		'That is not an image GPT Image 2 produces; the output URL may be wrong. Use Output: URL Only to inspect it.',
		httpCode,
	);

const damagedFailure = (where: string, what: string, httpCode: number, label: string) =>
	downloadFailure(
		`The output from ${where} is not a usable image: ${what}`,
		`${label} or a proxy returned a damaged file. Try Get Result again, or use Output: URL Only to inspect it.`,
		httpCode,
	);

const notImageFailure = (where: string, contentType: string, httpCode: number, label: string) =>
	downloadFailure(
		`The output from ${where} is not an image (${contentType})`,
		`${label} or a proxy returned something else. Try again, or use Output: URL Only to inspect it.`,
		httpCode,
	);

function describeHost(url: string): string {
	try {
		return new URL(redactUrl(new URL(url))).host;
	} catch {
		return 'the output URL';
	}
}
