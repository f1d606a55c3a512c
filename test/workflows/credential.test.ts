/** The credential's "Test" button, run as n8n's CredentialsTester runs it, against the WaveSpeed emulator. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

import { startEmulator } from '../../dev/emulator';
import type { Emulator } from '../../dev/emulator';
import { testCredential } from '../../dev/harness';

/** A non-loopback IPv4 address of this machine, if it has one: plain http there must be refused. */
function lanAddress(): string | undefined {
	return Object.values(networkInterfaces())
		.flat()
		.find((info) => info && info.family === 'IPv4' && !info.internal)?.address;
}

/** A server that only counts requests, to prove none arrive. */
async function startTrap(host: string): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
	let hits = 0;
	const server = http.createServer((_req, res) => {
		hits += 1;
		res.end('{}');
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://${host}:${port}`,
		hits: () => hits,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describe('WaveSpeed API credential test', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startEmulator();
	});

	afterAll(async () => {
		await emulator?.close();
	});

	beforeEach(() => emulator.reset());

	const balanceCalls = () => emulator.requests.filter(({ method, path }) => method === 'GET' && path === '/api/v3/balance');

	it('succeeds with the right key, sending GET /api/v3/balance with Bearer auth', async () => {
		const result = await testCredential('waveSpeedApi', { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(balanceCalls()).toHaveLength(1);
		expect(balanceCalls()[0].headers.authorization).toBe(`Bearer ${emulator.apiKey}`);
	});

	it('accepts a Base URL with a trailing slash', async () => {
		const result = await testCredential('waveSpeedApi', { apiKey: emulator.apiKey, baseUrl: `${emulator.baseUrl}/` });

		expect(result.status).toBe('OK');
		expect(balanceCalls().map(({ path }) => path)).toEqual(['/api/v3/balance']);
	});

	it('fails with a wrong key (401), without echoing the key', async () => {
		const wrongKey = 'ws-wrong-key-000';
		const result = await testCredential('waveSpeedApi', { apiKey: wrongKey, baseUrl: emulator.baseUrl });

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^WaveSpeed refused the API key \(401\): wrong key, or the account was never topped up\./);
		expect(result.message).not.toContain(wrongKey);
		// n8n itself re-sends once after a 401 (its pre-authentication retry); each attempt was refused.
		expect(balanceCalls().length).toBeGreaterThanOrEqual(1);
		expect(balanceCalls().every(({ status, headers }) => status === 401 && headers.authorization === `Bearer ${wrongKey}`)).toBe(true);
	});

	it('refuses a plain http Base URL to a non-loopback host with a clear message', async () => {
		const result = await testCredential('waveSpeedApi', { apiKey: emulator.apiKey, baseUrl: 'http://example.com' });

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/plain http/i);
		expect(result.message).toMatch(/https:\/\//);
		expect(result.message).not.toContain(emulator.apiKey);
		expect(emulator.requests).toHaveLength(0);
	});

	const lan = lanAddress();
	(lan ? it : it.skip)('sends no request at all to a plain http non-loopback host', async () => {
		const trap = await startTrap(lan as string);
		try {
			await fetch(trap.url); // the trap is reachable, so a refused test really sent nothing
			expect(trap.hits()).toBe(1);

			const result = await testCredential('waveSpeedApi', { apiKey: emulator.apiKey, baseUrl: trap.url });

			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/plain http/i);
			expect(trap.hits()).toBe(1);
		} finally {
			await trap.close();
		}
	});
});

describe('each::labs API credential test', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator({ dialect: 'eachlabs' });
	});
	afterAll(async () => await emulator?.close());
	beforeEach(() => emulator.reset());

	const checks = () => emulator.requests.filter(({ method, path }) => method === 'GET' && path === '/v1/billing/balance');

	it('succeeds with the right key: one free GET /v1/billing/balance with Bearer auth', async () => {
		const result = await testCredential('eachLabsApi', { apiKey: emulator.apiKey, baseUrl: `${emulator.baseUrl}/` });

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(checks()).toHaveLength(1);
		expect(checks()[0].headers.authorization).toBe(`Bearer ${emulator.apiKey}`);
		expect(emulator.tasks).toHaveLength(0);
	});

	it('fails clearly with a wrong key, without echoing it', async () => {
		const result = await testCredential('eachLabsApi', { apiKey: 'smk_wrong_key_000', baseUrl: emulator.baseUrl });

		expect(result.status).toBe('Error');
		expect(result.message).toBe('each::labs rejected the API key (401). Check the key at eachlabs.ai > API Keys.');
		expect(result.message).not.toContain('smk_wrong_key_000');
	});

	it('a 503 (balance unavailable) is not called a key error', async () => {
		emulator.configure({ eachlabsBalanceUnavailable: true });
		const result = await testCredential('eachLabsApi', { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
		emulator.configure({ eachlabsBalanceUnavailable: false });

		expect(result).toEqual({ status: 'Error', message: 'each::labs could not read the balance right now (503); this is not a key error. Test again later.' });
		expect(checks().map((r) => r.status)).toEqual([503]);
	});

	it('refuses a plain http Base URL to a non-loopback host before sending anything', async () => {
		const result = await testCredential('eachLabsApi', { apiKey: emulator.apiKey, baseUrl: 'http://example.com' });

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/plain http/i);
		expect(emulator.requests).toHaveLength(0);
	});
});
