/** URLs a user typed: whether a provider can fetch them, and how to echo them without a password. */

/** Why a URL cannot be sent to the provider, or undefined when it can. */
export function describeUrlProblem(value: string): string | undefined {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return `"${truncate(hideUserInfo(value), 80)}" is not a valid URL. Use a full public address, e.g. https://example.com/photo.png`;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return `"${truncate(redactUrl(url), 80)}" uses ${url.protocol.replace(':', '')}:, but only http and https URLs can be fetched`;
	}
	if (url.username || url.password) {
		return `"${truncate(redactUrl(url), 80)}" contains a user name or password. Use a URL without credentials, e.g. a pre-signed link`;
	}
	return undefined;
}

/** Text that may hold `user:password@` before a host: never echo it. */
export function hideUserInfo(text: string): string {
	return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}

export function redactUrl(url: URL): string {
	const copy = new URL(url.toString());
	copy.username = '';
	copy.password = '';
	return copy.toString();
}

export function truncate(text: string, max: number): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
