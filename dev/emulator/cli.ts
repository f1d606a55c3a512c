/**
 * `npm run emulator -- [options]`: runs the emulator (WaveSpeed's API, or each::labs' with --provider eachlabs) until Ctrl-C.
 * Options: --provider wavespeed|eachlabs --port N --cdn-port N --latency MS --queue MS --concurrency N --rate-limit N
 *          --sync-timeout MS --balance USD --api-key KEY --seed N --max-upload-bytes N --legacy-upload-only --nsfw --quiet
 *          --pricing-endpoint quote|absent|odd --price-endpoint quote|absent --quote none|zero|absurd --discount 0..1
 *          --billing-settle MS --catalog served|absent|error (WaveSpeed)
 *          --latency-sigma S --latency-floor MS (per-task latency from a lognormal with median --latency, seeded by --seed)
 * each::labs: --schema array|single|unavailable --status-words docs|openapi --output-shape string|array|object
 *          --in-flight-cap N --reservation USD --cost USD --model-endpoints both|modelsOnly|none --sticky-429
 *          --sticky-quiet MS --balance-unavailable --webhook-retry MS --webhook-error-shape string|object
 */
import { startEmulator } from './index';
import { parseArgs } from './cliArgs';
import type { RecordedRequest } from './types';

const logLine = (r: RecordedRequest): string =>
	`${new Date(r.at).toISOString().slice(11, 23)} ${r.method} ${r.origin}${r.path} -> ${r.status ?? 'reset'}` +
	(r.fault ? ` [fault ${r.fault}]` : '') +
	(r.internal ? ' (emulator fetch)' : '');

async function main(): Promise<void> {
	const { options, quiet } = parseArgs(process.argv.slice(2));
	const emulator = await startEmulator({ ...options, onRequest: quiet ? undefined : (r) => console.log(logLine(r)) });
	console.log(`${emulator.dialect === 'eachlabs' ? 'each::labs' : 'WaveSpeed'} emulator running`);
	console.log(`  Base URL: ${emulator.baseUrl}`);
	console.log(`  CDN URL:  ${emulator.cdnBaseUrl}`);
	console.log(`  API key:  ${emulator.apiKey}`);
	console.log(`  latency ${emulator.config.latencyMs} ms, concurrency ${emulator.config.concurrency}, rate limit ${emulator.config.rateLimitPerMinute}/min`);
	console.log('Press Ctrl-C to stop.');
	let stopping = false;
	const stop = (signal: string): void => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping the emulator`);
		void emulator.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
