/**
 * Where the node may send a key-less request (output downloads, upload PUTs): when the Base URL is a public host,
 * a URL from the API that points at loopback, private or link-local addresses is refused, so an answer cannot make
 * the node reach into the network it runs in. Only literal addresses and local names are recognised (no DNS).
 */

const LOCAL_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.(localhost|local|internal|home\.arpa)$/i;

function ipv4Parts(host: string): number[] | undefined {
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (!match) return undefined;
	const parts = match.slice(1).map(Number);
	return parts.every((p) => p <= 255) ? parts : undefined;
}

function isLocalIpv4([a, b]: number[]): boolean {
	return (
		a === 0 || // "this network"
		a === 10 ||
		a === 127 ||
		(a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
		(a === 169 && b === 254) || // link-local, cloud metadata
		(a === 172 && b >= 16 && b <= 31) ||
		(a === 192 && b === 168)
	);
}

function isLocalIpv6(host: string): boolean {
	const h = host.toLowerCase();
	if (h === '::' || h === '::1') return true;
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(h);
	if (mapped) return isLocalIpv4(ipv4Parts(mapped[1]) ?? [0]);
	const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
	if (mappedHex) {
		const high = parseInt(mappedHex[1], 16);
		return isLocalIpv4([high >> 8, high & 0xff]);
	}
	return /^f[cd][0-9a-f]{0,2}:/.test(h) || /^fe[89ab][0-9a-f]?:/.test(h); // unique local fc00::/7, link-local fe80::/10
}

/** Whether a host name (as in URL.hostname) is loopback, private, link-local or a local-only name. */
export function isLocalHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
	if (host === '') return true;
	if (LOCAL_NAMES.test(host)) return true;
	const v4 = ipv4Parts(host);
	if (v4) return isLocalIpv4(v4);
	if (host.includes(':')) return isLocalIpv6(host);
	// Numeric forms such as 2130706433 or 0x7f.1 are how loopback hides in a URL; WHATWG URL normalises most of them.
	return /^(0x[0-9a-f]+|\d+)$/i.test(host);
}

/** Why the node must not fetch this URL given the Base URL it talks to, or undefined when it may. */
export function localTargetProblem(baseUrl: string, target: string): string | undefined {
	let base: URL;
	let url: URL;
	try {
		base = new URL(baseUrl);
		url = new URL(target);
	} catch {
		return undefined; // malformed URLs are refused elsewhere, with their own words
	}
	if (isLocalHost(base.hostname)) return undefined;
	if (!isLocalHost(url.hostname)) return undefined;
	return `it points at ${url.hostname}, a local or private address, while the Base URL is the public host ${base.hostname}`;
}
