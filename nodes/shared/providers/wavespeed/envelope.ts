/** WaveSpeed's answer envelope `{ code, message, data }`: `code` mirrors the HTTP status, 200 = success. */
import type { z } from 'zod';

import type { Failure } from '../../core/errors';
import { FailureError } from '../../core/errors';
import { parseRetryAfterMs } from '../../http/retry';
import type { ApiPhase, RawResponse } from '../../http/transport';
import { describeZod, parseJsonBody } from '../../http/transport';
import { describeHttpFailure } from './errors';
import { envelopeSchema } from './schemas';

/** A successful envelope's `data`, validated; anything else a failure that says what was wrong. */
export function readEnvelope<T extends z.ZodTypeAny>(response: RawResponse, dataSchema: T, phase: ApiPhase): z.infer<T> {
	const result = parseEnvelope(response, dataSchema, phase);
	if (!result.ok) throw new FailureError(result.failure);
	return result.data;
}

export type EnvelopeResult<T> = { ok: true; data: T } | { ok: false; failure: Failure };

export function parseEnvelope<T extends z.ZodTypeAny>(response: RawResponse, dataSchema: T, phase: ApiPhase): EnvelopeResult<z.infer<T>> {
	const body = parseJsonBody(response.body);
	const envelope = envelopeSchema.safeParse(body);
	const apiMessage = envelope.success ? envelope.data.message : messageFromOddBody(body);
	if (response.status < 200 || response.status >= 300 || (envelope.success && envelope.data.code !== 200)) {
		const code = response.status >= 300 || response.status < 200 ? response.status : envelope.success ? envelope.data.code : response.status;
		return { ok: false, failure: describeHttpFailure(code, apiMessage, phase, parseRetryAfterMs(response.headers['retry-after'])) };
	}
	if (!envelope.success) {
		return { ok: false, failure: {
			kind: 'malformed',
			httpCode: response.status,
			message: `WaveSpeed answered in an unexpected format (${describeZod(envelope.error)})`,
			hint: 'This is usually a passing problem with WaveSpeed or a proxy in between. Try again; if it persists, check the Base URL.',
		} };
	}
	const data = dataSchema.safeParse(envelope.data.data);
	if (!data.success) {
		return { ok: false, failure: {
			kind: 'malformed',
			httpCode: response.status,
			message: `WaveSpeed's answer is missing fields (${describeZod(data.error)})`,
			hint: 'This is usually a passing problem with WaveSpeed. Try again; if it persists, please report it.',
		} };
	}
	return { ok: true, data: data.data };
}

/** The words of an answer that is not the documented envelope: a message field, or the text of an HTML page. */
export function messageFromOddBody(body: unknown): string {
	if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		for (const key of ['message', 'error', 'detail']) if (typeof record[key] === 'string') return record[key] as string;
	}
	if (typeof body === 'string') return body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
	return '';
}
