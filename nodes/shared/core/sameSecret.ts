/** Comparing a secret (or a signature) with what a request carries, without leaking where they differ or how long it is. */
import { createHmac, randomBytes, timingSafeEqual } from 'crypto';

/** A per-process key: both sides become fixed-length digests, so the comparison time says nothing about the secret's length. */
const COMPARE_KEY = randomBytes(32);

function digest(text: string): Buffer {
	return createHmac('sha256', COMPARE_KEY).update(text, 'utf8').digest();
}

/** Constant-time equality of two texts (compared as HMAC digests of equal length); an empty secret never matches. */
export function sameSecret(expected: string, given: string): boolean {
	const equal = timingSafeEqual(digest(expected), digest(given));
	return expected.length > 0 && equal;
}
