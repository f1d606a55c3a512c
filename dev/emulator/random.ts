/** Random ids and secrets; seeded when the emulator is started with a seed so runs are reproducible. */
import { randomBytes } from 'node:crypto';

/** A small deterministic PRNG (mulberry32): returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export type ByteSource = (length: number) => Buffer;

/** Random bytes from crypto, or from a seeded PRNG when a seed is given. */
export function byteSource(seed?: number): ByteSource {
	if (seed === undefined) return (length) => randomBytes(length);
	const next = seededRandom(seed);
	return (length) => Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
}

/** A prediction id shaped like WaveSpeed's (32 lowercase hex characters). */
export const newId = (bytes: ByteSource): string => bytes(16).toString('hex');

/** A webhook secret: 'whsec_' + base64 of 24 random bytes. */
export const newWebhookSecret = (bytes: ByteSource): string => 'whsec_' + bytes(24).toString('base64');
