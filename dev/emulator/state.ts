/** Everything the listeners share: configuration, stores, fault rules and the task runner. */
import type { Dispatcher } from 'undici';
import type { FaultBook } from './faults';
import type { Billing } from './billing';
import type { RateLimiter } from './rateLimit';
import type { TaskRunner } from './tasks';
import type { Timers } from './timers';
import type { UploadStore } from './uploads';
import type { EmulatorConfig, RecordedRequest, WebhookDelivery } from './types';

export interface StoredOutput {
	bytes: Buffer;
	contentType: string;
}

export interface EmulatorState {
	config: EmulatorConfig;
	baseUrl: string;
	cdnBaseUrl: string;
	cdnMirrorBaseUrl: string;
	webhookSecret: string;
	faults: FaultBook;
	timers: Timers;
	runner: TaskRunner;
	uploads: UploadStore;
	rateLimiter: RateLimiter;
	dispatcher: Dispatcher;
	/** Rendered outputs by file name `<id>.<ext>`. */
	outputs: Map<string, StoredOutput>;
	requests: RecordedRequest[];
	webhookDeliveries: WebhookDelivery[];
	/** each::labs: USD charged by finished predictions since the last reset. */
	spentUsd: number;
	billing: Billing;
	/** each::labs sticky 429: when the cap last refused a create (undefined: not sticky now) and the last create request. */
	sticky: { since?: number; lastCreateAt?: number };
	/** each::labs: times of balance reads in the last second (3 per second allowed). */
	balanceReads: number[];
	/** each::labs: pending callback retries, so reset stops them. */
	webhookRetries: Set<NodeJS.Timeout>;
}
