/** Command-line options of the emulator CLI (kept apart from cli.ts so they can be tested without starting it). */
import type { StartOptions } from './types';

const NUMBER_FLAGS: Record<string, keyof StartOptions> = {
	'--port': 'port',
	'--cdn-port': 'cdnPort',
	'--latency': 'latencyMs',
	'--queue': 'queueMs',
	'--concurrency': 'concurrency',
	'--rate-limit': 'rateLimitPerMinute',
	'--sync-timeout': 'syncTimeoutMs',
	'--balance': 'balance',
	'--seed': 'seed',
	'--max-upload-bytes': 'maxUploadBytes',
	'--in-flight-cap': 'inFlightCap',
	'--reservation': 'reservationUsd',
	'--cost': 'costUsd',
	'--discount': 'discountRate',
	'--billing-settle': 'billingSettleMs',
	'--sticky-quiet': 'stickyQuietMs',
	'--webhook-retry': 'eachlabsWebhookRetryMs',
};

/** Knobs that take one of a few words. */
const WORD_FLAGS: Record<string, { key: keyof StartOptions; values: readonly string[] }> = {
	'--provider': { key: 'dialect', values: ['wavespeed', 'eachlabs'] },
	'--schema': { key: 'eachlabsSchema', values: ['array', 'single', 'unavailable'] },
	'--status-words': { key: 'eachlabsStatusWords', values: ['docs', 'openapi'] },
	'--output-shape': { key: 'eachlabsOutputShape', values: ['string', 'array', 'object'] },
	'--catalog': { key: 'catalogEndpoint', values: ['served', 'absent', 'error'] },
	'--price-endpoint': { key: 'priceEndpoint', values: ['quote', 'absent'] },
	'--quote': { key: 'quoteOverride', values: ['none', 'zero', 'absurd'] },
	'--model-endpoints': { key: 'eachlabsModelEndpoints', values: ['both', 'modelsOnly', 'none'] },
	'--webhook-error-shape': { key: 'eachlabsWebhookErrorShape', values: ['string', 'object'] },
};

/** Parses argv into start options; throws with a usage hint on anything unknown. */
export function parseArgs(argv: string[]): { options: StartOptions; quiet: boolean } {
	const options: StartOptions = {};
	let quiet = false;
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (flag === '--legacy-upload-only') options.legacyUploadOnly = true;
		else if (flag === '--nsfw') options.nsfw = true;
		else if (flag === '--sticky-429') options.sticky429 = true;
		else if (flag === '--balance-unavailable') options.eachlabsBalanceUnavailable = true;
		else if (flag === '--quiet') quiet = true;
		else if (flag === '--api-key') options.apiKey = argv[++i];
		else if (flag === '--pricing-endpoint') {
			const mode = argv[++i];
			if (mode !== 'quote' && mode !== 'absent' && mode !== 'odd') throw new Error('--pricing-endpoint needs quote, absent or odd');
			options.pricingEndpoint = mode;
		}
		else if (flag === '--latency-sigma' || flag === '--latency-floor') {
			const value = Number(argv[++i]);
			if (!Number.isFinite(value)) throw new Error(`${flag} needs a number`);
			const spread = options.latencySpread ?? { sigma: 0.6, seed: 1 };
			options.latencySpread = flag === '--latency-sigma' ? { ...spread, sigma: value } : { ...spread, floorMs: value };
		} else if (flag in WORD_FLAGS) {
			const { key, values } = WORD_FLAGS[flag];
			const value = argv[++i];
			if (!values.includes(value)) throw new Error(`${flag} takes one of: ${values.join(', ')}`);
			Object.assign(options, { [key]: value });
		} else if (flag in NUMBER_FLAGS) {
			const value = Number(argv[++i]);
			if (!Number.isFinite(value) && argv[i] !== 'Infinity') throw new Error(`${flag} needs a number`);
			Object.assign(options, { [NUMBER_FLAGS[flag]]: value });
		} else throw new Error(`Unknown option ${flag}. See the header of dev/emulator/cli.ts for the options.`);
	}
	// The spread's draws follow the emulator's seed when one is given.
	if (options.latencySpread && options.seed !== undefined) options.latencySpread = { ...options.latencySpread, seed: options.seed };
	return { options, quiet };
}
