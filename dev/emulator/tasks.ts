/** Task lifecycle: created -> (queue, concurrency slot) -> processing -> completed | failed. */
import { setMaxListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import { taskErrorMessage } from './errors';
import type { FaultBook } from './faults';
import { checkMask, displayRatio, renderOutput } from './images';
import { newId, type ByteSource } from './random';
import { taskLatencyMs } from './latency';
import { fetchReference, ReferenceError } from './references';
import { expectedSize, sizeForRatio } from './sizes';
import type { Timers } from './timers';
import type { EmulatedTask, EmulatorConfig, OutputFormat, RenderSpec } from './types';

export interface TaskEnvironment {
	config: () => EmulatorConfig;
	timers: Timers;
	faults: FaultBook;
	bytes: ByteSource;
	dispatcher: Dispatcher;
	/** Stores a rendered output and returns its public CDN URL. */
	publishOutput: (id: string, format: OutputFormat, image: Buffer) => string;
	/** Called once when a task becomes completed or failed. */
	onFinished: (task: EmulatedTask) => void;
}

export interface NewTask {
	model: string;
	input: Record<string, unknown>;
	dropped: string[];
	/** What to draw, in the engine's words: each dialect reads its own wire fields into this. */
	render: RenderSpec;
	webhook?: string;
	/** each::labs: sent verbatim as X-Webhook-Secret. */
	webhookSecret?: string;
	/** Make the task fail with this code (the 'task-failed' fault). */
	failWithCode?: number;
	/** ...and this error text instead of the standard one. */
	failWithMessage?: string;
	/** Make the task end with this server status instead (the 'task-cancelled' / 'task-timeout' faults). */
	endWithStatus?: 'cancelled' | 'timeout';
	/** WaveSpeed: the price the task was charged at submit. */
	priceUsd?: number;
}

class TaskFailure extends Error {
	constructor(
		readonly code: number,
		message: string,
		readonly status: 'failed' | 'cancelled' | 'timeout' = 'failed',
	) {
		super(message);
	}
}

type Rendered = { images: Buffer[]; width: number; height: number; format: OutputFormat };

const CONTENT_TYPES: Record<OutputFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', svg: 'image/svg+xml' };
export const contentTypeOf = (format: OutputFormat): string => CONTENT_TYPES[format];

export class TaskRunner {
	readonly tasks: EmulatedTask[] = [];
	private readonly byId = new Map<string, EmulatedTask>();
	private readonly waiting: EmulatedTask[] = [];
	private readonly listeners = new Map<string, Array<(task: EmulatedTask) => void>>();
	/** What each created task does once it gets a slot (see runWhenStarted). */
	private readonly starters = new Map<string, () => void>();
	private running = 0;
	/** Bumped by reset(): work of older tasks checks it and stops touching state. */
	private generation = 0;
	private abort = TaskRunner.sharedAbort();

	constructor(private readonly env: TaskEnvironment) {}

	/** One signal for every reference fetch in flight, so reset() stops them all; many at once is normal, not a leak. */
	private static sharedAbort(): AbortController {
		const controller = new AbortController();
		setMaxListeners(0, controller.signal);
		return controller;
	}

	get(id: string): EmulatedTask | undefined {
		return this.byId.get(id);
	}

	/** Accepts a task; it waits queueMs, then for a concurrency slot. */
	create(spec: NewTask): EmulatedTask {
		let id = newId(this.env.bytes);
		while (this.byId.has(id)) id = newId(this.env.bytes);
		const task: EmulatedTask = {
			id,
			model: spec.model,
			input: spec.input,
			dropped: spec.dropped,
			render: spec.render,
			webhook: spec.webhook,
			webhookSecret: spec.webhookSecret,
			...(spec.priceUsd !== undefined ? { priceUsd: spec.priceUsd } : {}),
			status: 'created',
			createdAt: Date.now(),
			latencyMs: taskLatencyMs(this.env.config().latencyMs, this.env.config().latencySpread, this.tasks.length),
			polls: 0,
			outputs: [],
		};
		this.tasks.push(task);
		this.byId.set(id, task);
		const generation = this.generation;
		this.env.timers.later(this.env.config().queueMs, () => {
			if (generation !== this.generation) return;
			this.waiting.push(task);
			this.pump();
		});
		this.runWhenStarted(task, spec);
		return task;
	}

	/** Calls back once the task is completed or failed (at once if it already is). */
	whenFinished(task: EmulatedTask, callback: (task: EmulatedTask) => void): void {
		if (isFinished(task)) return callback(task);
		const list = this.listeners.get(task.id) ?? [];
		list.push(callback);
		this.listeners.set(task.id, list);
	}

	/** Starts waiting tasks while slots are free (call after the concurrency knob changes). */
	pump(): void {
		while (this.running < this.env.config().concurrency && this.waiting.length > 0) {
			const task = this.waiting.shift() as EmulatedTask;
			this.running += 1;
			task.status = 'processing';
			task.startedAt = Date.now();
			this.starters.get(task.id)?.();
			this.starters.delete(task.id);
		}
	}

	/** Forgets every task and stops their work (timers are cancelled by the owner). */
	reset(): void {
		this.generation += 1;
		this.abort.abort();
		this.abort = TaskRunner.sharedAbort();
		this.tasks.length = 0;
		this.byId.clear();
		this.waiting.length = 0;
		this.listeners.clear();
		this.starters.clear();
		this.running = 0;
	}

	/** Registers what happens when the task gets a slot: do the work and wait latencyMs, both in parallel. */
	private runWhenStarted(task: EmulatedTask, spec: NewTask): void {
		const generation = this.generation;
		const signal = this.abort.signal;
		this.starters.set(task.id, () => {
			const work = this.work(task, spec, signal).then(
				(output) => ({ output }),
				(error: unknown) => ({ error }),
			);
			const latency = this.env.timers.sleep(task.latencyMs ?? this.env.config().latencyMs);
			void Promise.all([work, latency]).then(([result]) => {
				if (generation !== this.generation) return;
				if ('output' in result) this.complete(task, result.output);
				else this.fail(task, result.error);
			});
		});
	}

	/** Produces the output picture (or throws TaskFailure). */
	private async work(task: EmulatedTask, spec: NewTask, signal: AbortSignal): Promise<Rendered> {
		const { failWithCode, failWithMessage, endWithStatus } = spec;
		if (endWithStatus === 'cancelled') throw new TaskFailure(0, 'Task cancelled', 'cancelled');
		if (endWithStatus === 'timeout') throw new TaskFailure(5004, taskErrorMessage(5004), 'timeout');
		if (failWithCode !== undefined) throw new TaskFailure(failWithCode, failWithMessage ?? taskErrorMessage(failWithCode));
		const { prompt, resolution, format, imageUrls, aspectRatio, maskUrl } = task.render;
		const references = await Promise.all(imageUrls.map((url) => this.fetchWithFaults(url, signal)));
		if (this.env.config().echoFirstReference && references.length > 0) {
			return { images: [references[0]], ...(task.render.size ?? expectedSize(aspectRatio ?? '1:1', resolution)), format };
		}
		const mask = maskUrl ? await this.fetchWithFaults(maskUrl, signal) : undefined;
		if (mask) {
			const wrong = await checkMask(mask, references[0]);
			if (wrong) throw new TaskFailure(1401, `${taskErrorMessage(1401)}: mask ${wrong}`);
		}
		const size = task.render.size
			? task.render.size
			: aspectRatio
				? expectedSize(aspectRatio, resolution)
				: references.length > 0
					? sizeForRatio(await displayRatio(references[0]), resolution)
					: expectedSize('1:1', resolution);
		try {
			const count = Math.max(1, task.render.count ?? 1);
			const { transparent, compression } = task.render;
			const images = await Promise.all(
				Array.from({ length: count }, (_, index) =>
					renderOutput({ references, prompt: index === 0 ? prompt : `${prompt} #${index + 1}`, ...size, format, mask, transparent, compression }),
				),
			);
			return { images, ...size, format };
		} catch (error) {
			throw new TaskFailure(5000, `${taskErrorMessage(5000)}: rendering failed (${String(error)})`);
		}
	}

	/** One reference fetch, honouring 'reference-fetch' faults (slow delays it, anything else makes it fail). */
	private async fetchWithFaults(url: string, signal: AbortSignal): Promise<Buffer> {
		const fault = this.env.faults.take('reference-fetch');
		if (fault?.kind === 'slow') await this.env.timers.sleep(fault.delayMs ?? 2000);
		else if (fault) throw new TaskFailure(1402, `Media URL not reachable: ${url} (injected ${fault.kind})`);
		try {
			return await fetchReference(url, this.env.dispatcher, signal);
		} catch (error) {
			if (error instanceof ReferenceError) throw new TaskFailure(1402, error.message);
			throw error;
		}
	}

	private complete(task: EmulatedTask, output: Rendered): void {
		const base64 = task.render.base64;
		task.outputs = output.images.map((image, index) =>
			base64 ? image.toString('base64') : this.env.publishOutput(index === 0 ? task.id : `${task.id}-${index + 1}`, output.format, image),
		);
		task.width = output.width;
		task.height = output.height;
		task.format = output.format;
		task.nsfw = this.env.config().nsfw;
		task.errorCode = undefined;
		task.status = 'completed';
		this.finish(task);
	}

	private fail(task: EmulatedTask, error: unknown): void {
		const failure = error instanceof TaskFailure ? error : new TaskFailure(5000, `${taskErrorMessage(5000)}: ${String(error)}`);
		task.status = failure.status;
		task.errorCode = failure.code;
		task.error = failure.message;
		this.finish(task);
	}

	private finish(task: EmulatedTask): void {
		task.completedAt = Date.now();
		this.running -= 1;
		const callbacks = this.listeners.get(task.id) ?? [];
		this.listeners.delete(task.id);
		this.env.onFinished(task);
		for (const callback of callbacks) callback(task);
		this.pump();
	}
}

export const isFinished = (task: EmulatedTask): boolean => task.status !== 'created' && task.status !== 'processing';
