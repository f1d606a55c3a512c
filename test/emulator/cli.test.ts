/** The CLI prints its URLs and key, answers requests, and stops cleanly on SIGINT. */
import { spawn } from 'node:child_process';
import path from 'node:path';

import { parseArgs } from '../../dev/emulator/cliArgs';

const root = path.join(__dirname, '..', '..');

it('starts, serves the API and exits 0 on SIGINT', async () => {
	const child = spawn(process.execPath, ['dev/run-ts.js', 'dev/emulator/cli.ts', '--latency', '10', '--concurrency', '2'], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	try {
		while (!/Press Ctrl-C/.test(output)) {
			if (child.exitCode !== null) throw new Error(output);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		const baseUrl = /Base URL: (\S+)/.exec(output)?.[1] as string;
		const apiKey = /API key:\s+(\S+)/.exec(output)?.[1] as string;
		expect(/CDN URL:\s+(\S+)/.exec(output)?.[1]).toMatch(/^http:\/\/127\.0\.0\.\d:\d+$/);
		const balance = await fetch(`${baseUrl}/api/v3/balance`, { headers: { authorization: `Bearer ${apiKey}` } });
		expect(await balance.json()).toEqual({ code: 200, message: 'success', data: { balance: 42.5 } });
		while (!/GET .*\/api\/v3\/balance -> 200/.test(output)) await new Promise((resolve) => setTimeout(resolve, 20));
	} finally {
		child.kill('SIGINT');
	}
	expect(await exited).toBe(0);
	expect(output).toContain('SIGINT: stopping the emulator');
});

describe('CLI options', () => {
	it('picks the each::labs dialect and its knobs', () => {
		expect(parseArgs(['--provider', 'eachlabs', '--schema', 'single', '--in-flight-cap', '2', '--output-shape', 'object']).options).toEqual({
			dialect: 'eachlabs',
			eachlabsSchema: 'single',
			inFlightCap: 2,
			eachlabsOutputShape: 'object',
		});
	});

	it('takes the knobs of the catalog, quotes, model endpoints, sticky 429 and callbacks', () => {
		const argv = ['--catalog', 'absent', '--price-endpoint', 'absent', '--quote', 'absurd', '--discount', '0.1', '--billing-settle', '500', '--model-endpoints', 'modelsOnly', '--sticky-429', '--sticky-quiet', '90000', '--balance-unavailable', '--webhook-retry', '200', '--webhook-error-shape', 'object'];
		expect(parseArgs(argv).options).toEqual({
			catalogEndpoint: 'absent',
			priceEndpoint: 'absent',
			quoteOverride: 'absurd',
			discountRate: 0.1,
			billingSettleMs: 500,
			eachlabsModelEndpoints: 'modelsOnly',
			sticky429: true,
			stickyQuietMs: 90_000,
			eachlabsBalanceUnavailable: true,
			eachlabsWebhookRetryMs: 200,
			eachlabsWebhookErrorShape: 'object',
		});
	});

	it('refuses an unknown word with the values it takes', () => {
		expect(() => parseArgs(['--provider', 'acme'])).toThrow('--provider takes one of: wavespeed, eachlabs');
	});
});
