/** Comparing a secret (or a signature) with what a request carries, without leaking where they differ. */
import { timingSafeEqual } from 'crypto';

/** Constant-time equality of two texts; different lengths are unequal without comparing, an empty secret never matches. */
export function sameSecret(expected: string, given: string): boolean {
	const a = Buffer.from(expected, 'utf8');
	const b = Buffer.from(given, 'utf8');
	return a.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}
