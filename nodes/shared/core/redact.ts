/**
 * Keeps the credential's secrets out of every text the package writes: messages, descriptions, items, logs and the
 * trigger's HTTP answers. One function (maskSecrets) for all of them, fed by secretsOf.
 */
import type { INodeExecutionData } from 'n8n-workflow';

/** Shorter values are too likely to occur in ordinary words to be masked blindly. */
const MIN_SECRET_LENGTH = 6;

/** Any run of this many characters of a secret is masked: a key with its last 4 characters cut off is still a key. */
export const PARTIAL_RUN = 12;

const MASK = '***';

/** What follows "Bearer" when it is a token; "<your key>" and other prose after the word are left alone. */
const BEARER_TOKEN = /\b(Bearer)(\s+)([A-Za-z0-9._~+/=-]{6,})/gi;

/** Words that follow "Bearer" in prose (error messages explaining the header), never tokens. */
const PROSE_AFTER_BEARER = /^(token|tokens|authentication|authorization|scheme|header|prefix|format|required|missing|invalid|expected)$/i;

/** Text that may be base64 (standard or URL-safe): a secret inside it (a Basic-auth dump, an encoded key) is masked whole. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;

function looksLikeToken(word: string): boolean {
	return !PROSE_AFTER_BEARER.test(word);
}

/** Lower-cases ASCII letters only, so every index in the result is the same character's index in the input. */
function foldCase(text: string): string {
	return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Every way a secret may have been written out by a server or proxy: as is, URL-encoded, JSON-escaped (any case). */
function spellings(secret: string): string[] {
	const forms = new Set<string>([secret, secret.trim(), encodeURIComponent(secret.trim()), JSON.stringify(secret.trim()).slice(1, -1)]);
	return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH).map(foldCase);
}

/** The runs to look for, by length: every PARTIAL_RUN-long piece of each spelling (the whole of a shorter one). */
type Pieces = Map<number, Set<string>>;

/** The last secrets' pieces: every string of every item of a run is masked with the same secrets. */
let memo: { key: string; pieces: Pieces } | undefined;

function piecesOf(secrets: readonly string[]): Pieces {
	const key = secrets.join('\u0000');
	if (memo?.key === key) return memo.pieces;
	const pieces = buildPieces(secrets);
	memo = { key, pieces };
	return pieces;
}

function buildPieces(secrets: readonly string[]): Pieces {
	const pieces: Pieces = new Map();
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.trim().length < MIN_SECRET_LENGTH) continue;
		for (const form of spellings(secret)) {
			const size = Math.min(PARTIAL_RUN, form.length);
			const set = pieces.get(size) ?? new Set<string>();
			for (let i = 0; i + size <= form.length; i++) set.add(form.slice(i, i + size));
			pieces.set(size, set);
		}
	}
	return pieces;
}

/** Where pieces of a secret sit in the text, as merged [start, end) ranges (touching runs stay apart). */
function secretRanges(text: string, pieces: Pieces): Array<[number, number]> {
	const folded = foldCase(text);
	const ranges: Array<[number, number]> = [];
	for (const [size, set] of pieces) {
		for (let i = 0; i + size <= folded.length; i++) if (set.has(folded.slice(i, i + size))) ranges.push([i, i + size]);
	}
	ranges.sort((a, b) => a[0] - b[0]);
	const merged: Array<[number, number]> = [];
	for (const range of ranges) {
		const last = merged[merged.length - 1];
		if (last && range[0] < last[1]) last[1] = Math.max(last[1], range[1]);
		else merged.push([...range]);
	}
	return merged;
}

function maskRanges(text: string, pieces: Pieces): string {
	const ranges = secretRanges(text, pieces);
	if (ranges.length === 0) return text;
	let out = '';
	let at = 0;
	for (const [start, end] of ranges) {
		out += text.slice(at, start) + MASK;
		at = end;
	}
	return out + text.slice(at);
}

/** Whether base64 text decodes (at any alignment) to something holding a piece of a secret. */
function encodesSecret(run: string, pieces: Pieces): boolean {
	for (let offset = 0; offset < 4 && run.length - offset >= 8; offset++) {
		const decoded = Buffer.from(run.slice(offset), 'base64').toString('latin1');
		if (secretRanges(decoded, pieces).length > 0) return true;
	}
	return false;
}

/**
 * The text with every secret masked as ***: as is, in any letter case, URL-encoded, JSON-escaped, base64-encoded (alone
 * or inside "user:key"), and any run of PARTIAL_RUN characters of it; bearer tokens are masked even without the key.
 */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
	const pieces = piecesOf(secrets);
	let out = text;
	if (pieces.size > 0) {
		out = maskRanges(out, pieces);
		out = out.replace(BASE64_RUN, (run) => (encodesSecret(run, pieces) ? MASK : run));
	}
	return out.replace(BEARER_TOKEN, (whole, word: string, space: string, token: string) => (token === MASK || !looksLikeToken(token) ? whole : `${word}${space}${MASK}`));
}

/** Every string inside a JSON-like value masked (keys and other values untouched). */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
	if (typeof value === 'string') return maskSecrets(value, secrets) as T;
	if (Array.isArray(value)) return value.map((entry: unknown) => maskDeep(entry, secrets)) as T;
	if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
		const out: Record<string, unknown> = {};
		for (const [name, entry] of Object.entries(value)) out[name] = maskDeep(entry, secrets);
		return out as T;
	}
	return value;
}

/** Items as they leave a node: their JSON and their binaries' file names masked; the binary data itself is left as it is. */
export function maskItems(items: INodeExecutionData[], secrets: readonly string[]): INodeExecutionData[] {
	if (secrets.length === 0) return items;
	return items.map((item) => {
		const masked: INodeExecutionData = { ...item, json: maskDeep(item.json, secrets) };
		if (item.binary) {
			masked.binary = Object.fromEntries(
				Object.entries(item.binary).map(([field, binary]) => [field, binary.fileName ? { ...binary, fileName: maskSecrets(binary.fileName, secrets) } : binary]),
			);
		}
		return masked;
	});
}

/** The credential field names that hold secrets: the API key and a seller's Webhook Secret. */
const SECRET_FIELDS = ['apiKey', 'webhookSecret'] as const;

/** The secrets a credential holds, for maskSecrets: its secret fields that are long enough to be keys. */
export function secretsOf(data: Record<string, unknown> | undefined): string[] {
	const secrets: string[] = [];
	for (const field of SECRET_FIELDS) {
		const value = data?.[field];
		if (typeof value === 'string' && value.trim().length >= MIN_SECRET_LENGTH) secrets.push(value.trim());
	}
	return secrets;
}
