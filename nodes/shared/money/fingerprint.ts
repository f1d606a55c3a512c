/** The identity of a billable request: two requests with the same fingerprint would buy the same image. */
import { createHash } from 'crypto';

/** A reference image as the fingerprint sees it: the bytes' hash for a binary, the text for a URL. */
export type ReferenceIdentity = { type: 'binary'; sha256: string } | { type: 'url'; url: string };

export interface RequestIdentity {
	provider: string;
	/** Where the request goes and under which credential: another account cannot fetch the prediction. */
	baseUrl: string;
	credentialId: string;
	model: string;
	/** Every field of the neutral request except the image URLs (those change per upload; the references stand in for them). */
	settings: Record<string, unknown>;
	references: ReferenceIdentity[];
	/** Query parameters, for a caller whose request has them. */
	query?: Record<string, string | undefined>;
}

export function sha256Hex(bytes: Uint8Array | string): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** JSON with keys sorted and undefined dropped, so the same request always gives the same text. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
	const entries = Object.entries(value as Record<string, unknown>)
		.filter(([, v]) => v !== undefined)
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** 32 hex characters (128 bits): collisions are out of reach, and the stored memory stays small. */
export function requestFingerprint(identity: RequestIdentity): string {
	const settings = Object.fromEntries(Object.entries(identity.settings).filter(([name]) => name !== 'images'));
	const text = canonicalJson({
		// 2: from the neutral request (1 was the provider's body).
		v: 2,
		provider: identity.provider,
		baseUrl: identity.baseUrl,
		credentialId: identity.credentialId,
		model: identity.model,
		settings,
		references: identity.references,
		query: identity.query ?? {},
	});
	return sha256Hex(text).slice(0, 32);
}
