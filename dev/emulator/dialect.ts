/** A wire dialect: how one provider's API looks on top of the shared engine (tasks, images, CDN, faults, uploads). */
import type { Exchange } from './server';
import type { EmulatorState } from './state';
import type { DialectName, EmulatedTask, WebhookDelivery } from './types';

export interface Dialect {
	name: DialectName;
	/** The provider's name in the CLI banner. */
	label: string;
	/** Routes one request to the API origin: auth, endpoints and answer shapes. */
	routeApi(state: EmulatorState, exchange: Exchange): Promise<void>;
	/** Called once when a task is completed or failed, before its webhook (e.g. to charge it). */
	onFinished?(state: EmulatorState, task: EmulatedTask): void;
	/** Posts the completion callback of a finished task that asked for one (task.webhook is set). */
	deliverWebhook(state: EmulatorState, task: EmulatedTask, signal: AbortSignal): Promise<WebhookDelivery>;
	/** Sends a finished task's callback again later (each::labs: signed afresh, X-Webhook-Redelivery: true); the delivery is recorded. */
	redeliverWebhook?(state: EmulatorState, task: EmulatedTask, signal: AbortSignal): Promise<WebhookDelivery>;
}
