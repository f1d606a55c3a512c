/** Where the API key may be sent: the credential's Base URL, over https, or plain http only on this machine. */

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export type BaseUrlCheck = { ok: true; baseUrl: string } | { ok: false; reason: string };

/** Normalises a Base URL (no trailing slash) and refuses ones that would leak the key. */
export function checkBaseUrl(raw: unknown, defaultBaseUrl: string): BaseUrlCheck {
	const text = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : defaultBaseUrl;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return {
			ok: false,
			reason: `The Base URL "${text}" is not a valid URL. Use e.g. ${defaultBaseUrl}.`,
		};
	}
	if (url.username || url.password) {
		return {
			ok: false,
			reason: 'The Base URL contains a user name or password. Remove them; the API key is sent as a header.',
		};
	}
	if (url.protocol === 'http:' && !LOOPBACK_HOSTS.test(url.hostname)) {
		return {
			ok: false,
			reason: `The Base URL "${text}" uses plain http, which would send your API key unencrypted. Use https:// (plain http is only allowed for localhost).`,
		};
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return { ok: false, reason: `The Base URL "${text}" must start with https://.` };
	}
	return { ok: true, baseUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}
