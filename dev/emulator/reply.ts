/** Answers of one API request; applies the body-rewriting faults (malformed, truncated, bad-envelope) to 200s. */
import type { ServerResponse } from 'node:http';
import { mangledBody } from './faults';
import { sendJson, sendText } from './http';
import type { FaultRule, RecordedRequest } from './types';

export class Reply {
	constructor(
		private readonly res: ServerResponse,
		private readonly record: RecordedRequest,
		private readonly bodyFault?: FaultRule,
	) {}

	json(status: number, body: unknown, headers: Record<string, string> = {}): void {
		if (this.bodyFault && status === 200) {
			const { text, contentType } = mangledBody(this.bodyFault.kind, JSON.stringify(body), this.bodyFault);
			this.record.fault = this.bodyFault.kind;
			return sendText(this.res, 200, text, contentType, headers);
		}
		sendJson(this.res, status, body, headers);
	}

	/** Success envelope. */
	data(data: unknown): void {
		this.json(200, { code: 200, message: 'success', data });
	}

	/** Error envelope { code, message, data: null } with code = HTTP status. */
	error(status: number, message: string, headers: Record<string, string> = {}): void {
		this.json(status, { code: status, message, data: null }, headers);
	}
}
