/** Keeps the API key out of every text the node writes: messages, descriptions, error items and logs. */

/** Shorter values are too likely to occur in ordinary words to be masked blindly. */
const MIN_SECRET_LENGTH = 6;

const MASK = '***';

/** What follows "Bearer" when it is a token; "<your key>" and other prose after the word are left alone. */
const BEARER_TOKEN = /\b(Bearer)(\s+)([A-Za-z0-9._~+/=-]{6,})/gi;

/** Words that follow "Bearer" in prose (error messages explaining the header), never tokens. */
const PROSE_AFTER_BEARER = /^(token|tokens|authentication|authorization|scheme|header|prefix|format|required|missing|invalid|expected)$/i;

function looksLikeToken(word: string): boolean {
	return !PROSE_AFTER_BEARER.test(word);
}

/** Every way a secret may have been written out by a server or proxy: as is, URL-encoded, JSON-escaped. */
function spellings(secret: string): string[] {
	const forms = new Set<string>([secret]);
	forms.add(encodeURIComponent(secret));
	forms.add(JSON.stringify(secret).slice(1, -1));
	return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** The text with each secret's value replaced by ***, and any bearer token masked; the words around stay intact. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
	let out = text;
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
		for (const form of spellings(secret)) out = out.split(form).join(MASK);
	}
	return out.replace(BEARER_TOKEN, (whole, word: string, space: string, token: string) => (token === MASK || !looksLikeToken(token) ? whole : `${word}${space}${MASK}`));
}

/** The secrets a credential holds, for maskSecrets: only its string values that are long enough to be keys. */
export function secretsOf(data: Record<string, unknown> | undefined): string[] {
	const key = data?.apiKey;
	return typeof key === 'string' && key.trim().length >= MIN_SECRET_LENGTH ? [key, key.trim()] : [];
}
