/** startEmulator: wires listeners, stores, task runner and webhooks into one Emulator object. */
import { setMaxListeners } from 'node:events';
import { routeCdn } from './cdn';
import { FaultBook } from './faults';
import { Billing } from './billing';
import { byteSource, newWebhookSecret } from './random';
import { RateLimiter } from './rateLimit';
import { createDispatcher } from './references';
import { closeListener, listen, type Listener, type Router } from './server';
import type { EmulatorState } from './state';
import { contentTypeOf, isFinished, TaskRunner } from './tasks';
import { Timers } from './timers';
import {
	DEFAULT_CONFIG,
	type EmulatedTask,
	type Emulator,
	type EmulatorConfig,
	type StartOptions,
} from './types';
import { UploadStore } from './uploads';
import { DIALECTS } from './dialects';

const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG) as (keyof EmulatorConfig)[];

/** Only the EmulatorConfig fields of an options object (undefined values ignored). */
function pickConfig(options: Partial<EmulatorConfig>): Partial<EmulatorConfig> {
	const picked: Partial<EmulatorConfig> = {};
	for (const key of CONFIG_KEYS) {
		if (options[key] !== undefined) Object.assign(picked, { [key]: options[key] });
	}
	return picked;
}

/** Listens on the preferred loopback host, or on 127.0.0.1 where other loopback addresses are not configured. */
async function listenLoopback(preferredHost: string, port: number, state: () => EmulatorState, router: Router, options: StartOptions): Promise<Listener> {
	try {
		return await listen(preferredHost, port, state, router, options.onRequest);
	} catch {
		return listen('127.0.0.1', port, state, router, options.onRequest);
	}
}

export async function startEmulator(options: StartOptions = {}): Promise<Emulator> {
	const config: EmulatorConfig = { ...DEFAULT_CONFIG, ...pickConfig(options) };
	const dialect = DIALECTS[options.dialect ?? 'wavespeed'];
	const bytes = byteSource(options.seed);
	// The listeners need the state before it can be built (it holds their URLs): they reach it through this holder.
	const holder: { state?: EmulatorState } = {};
	const getState = (): EmulatorState => holder.state as EmulatorState;

	const api = await listen('127.0.0.1', options.port ?? 0, getState, (exchange) => dialect.routeApi(getState(), exchange), options.onRequest);
	// The CDN is a different origin (another loopback address), like WaveSpeed's public CDN host.
	const cdn = await listenLoopback('127.0.0.2', options.cdnPort ?? 0, getState, (exchange) => routeCdn(getState(), exchange, false), options);
	const mirror = await listenLoopback('127.0.0.3', 0, getState, (exchange) => routeCdn(getState(), exchange, true), options);
	const listeners = [api, cdn, mirror];

	const timers = new Timers();
	const faults = new FaultBook();
	const dispatcher = createDispatcher();
	const deliveries = new AbortController();
	// Every webhook delivery in flight listens on this one signal: many at once is normal.
	setMaxListeners(0, deliveries.signal);
	const outputs = new Map<string, { bytes: Buffer; contentType: string }>();

	const onFinished = (task: EmulatedTask): void => {
		const current = getState();
		dialect.onFinished?.(current, task);
		if (!task.webhook) return;
		void dialect.deliverWebhook(current, task, deliveries.signal).then((delivery) => {
			if (current.runner.get(task.id) === task) current.webhookDeliveries.push(delivery);
		});
	};

	const runner = new TaskRunner({
		config: () => config,
		timers,
		faults,
		bytes,
		dispatcher,
		publishOutput: (id, format, image) => {
			outputs.set(`${id}.${format}`, { bytes: image, contentType: contentTypeOf(format) });
			return `${cdn.origin}/outputs/${id}.${format}`;
		},
		onFinished,
	});

	holder.state = {
		config,
		baseUrl: api.origin,
		cdnBaseUrl: cdn.origin,
		cdnMirrorBaseUrl: mirror.origin,
		webhookSecret: newWebhookSecret(bytes),
		faults,
		timers,
		runner,
		uploads: new UploadStore(bytes, cdn.origin),
		rateLimiter: new RateLimiter(),
		dispatcher,
		outputs,
		requests: [],
		webhookDeliveries: [],
		spentUsd: 0,
		billing: new Billing(),
		sticky: {},
		balanceReads: [],
		webhookRetries: new Set(),
	};
	const shared = holder.state;

	return {
		dialect: dialect.name,
		baseUrl: shared.baseUrl,
		cdnBaseUrl: shared.cdnBaseUrl,
		cdnMirrorBaseUrl: shared.cdnMirrorBaseUrl,
		get apiKey() {
			return config.apiKey;
		},
		config,
		requests: shared.requests,
		tasks: runner.tasks,
		uploads: shared.uploads.uploads,
		webhookDeliveries: shared.webhookDeliveries,
		get spentUsd() {
			return shared.spentUsd;
		},
		get balanceUsd() {
			return shared.billing.balanceUsd(config.balance);
		},
		get webhookSecret() {
			return shared.webhookSecret;
		},
		set webhookSecret(secret: string) {
			shared.webhookSecret = secret;
		},
		configure(patch) {
			Object.assign(config, pickConfig(patch));
			runner.pump(); // a larger concurrency may let waiting tasks start
		},
		injectFault: (rule) => faults.add(rule),
		injectRandomFaults: (randomOptions) => faults.addRandom(randomOptions),
		clearFaults: () => faults.clear(),
		reset() {
			shared.requests.length = 0;
			shared.webhookDeliveries.length = 0;
			runner.reset();
			shared.uploads.clear();
			outputs.clear();
			faults.clear();
			shared.rateLimiter.clear();
			shared.spentUsd = 0;
			shared.billing.reset();
			shared.sticky = {};
			shared.balanceReads.length = 0;
			for (const timer of shared.webhookRetries) timers.cancel(timer);
			shared.webhookRetries.clear();
		},
		async redeliverWebhook(id) {
			const task = runner.get(id);
			if (!task || !isFinished(task) || !task.webhook) throw new Error(`No finished task ${id} with a webhook`);
			if (!dialect.redeliverWebhook) throw new Error(`${dialect.label} documents no webhook redelivery`);
			return dialect.redeliverWebhook(shared, task, deliveries.signal);
		},
		waitForTask(id, timeoutMs = 30_000) {
			return new Promise((resolve, reject) => {
				const task = runner.get(id);
				if (!task) return reject(new Error(`No task ${id}`));
				if (isFinished(task)) return resolve(task);
				const timer = timers.later(timeoutMs, () => reject(new Error(`Task ${id} still ${task.status} after ${timeoutMs} ms`)));
				runner.whenFinished(task, (finished) => {
					timers.cancel(timer);
					resolve(finished);
				});
			});
		},
		async close() {
			timers.cancelAll();
			runner.reset();
			deliveries.abort();
			await Promise.all(listeners.map(closeListener));
			await dispatcher.close().catch(() => dispatcher.destroy());
		},
	};
}
