/**
 * What WaveSpeed's answer to the submit means for money: accepted (a task with a usable id), refused (nothing was
 * created, so sending again may be safe) or ambiguous (a task may exist: never sent again, never "try again", any id
 * it carried kept). api.ts turns the accepted prediction into a neutral Task.
 */
import type { Failure } from '../../core/errors';
import { parseRetryAfterMs } from '../../http/retry';
import { isSafePredictionId } from '../../core/schemas';
import type { RawResponse } from '../../http/transport';
import { describeZod, parseJsonBody } from '../../http/transport';
import { truncate } from '../../core/urls';
import { describeHttpFailure } from './errors';
import { messageFromOddBody } from './envelope';
import type { Prediction } from './schemas';
import { envelopeSchema, predictionSchema } from './schemas';

export type SubmitClassification =
	| { kind: 'accepted'; prediction: Prediction }
	| { kind: 'refused'; failure: Failure }
	| { kind: 'ambiguous'; failure: Failure };

const AMBIGUOUS_HINT =
	'It was not submitted again (that could bill twice). Check the Predictions page of your WaveSpeed dashboard before running it again.';

/** An id the answer carried, whatever its type, if it is usable in a URL; otherwise its text for the message. */
export function carriedId(body: unknown): { safe?: string; shown?: string } {
	const data = body && typeof body === 'object' ? (body as Record<string, unknown>).data : undefined;
	const raw = data && typeof data === 'object' ? (data as Record<string, unknown>).id : undefined;
	if (typeof raw !== 'string' && typeof raw !== 'number') return {};
	const text = String(raw);
	return isSafePredictionId(text) ? { safe: text } : { shown: truncate(JSON.stringify(text), 60) };
}

function ambiguous(httpCode: number, message: string, body: unknown): SubmitClassification {
	const id = carriedId(body);
	const shown = id.shown ? ` It named a prediction id ${id.shown} that is not safe to use.` : '';
	return {
		kind: 'ambiguous',
		failure: { kind: 'malformed', httpCode, message: `${message}, so a task may have been created`, hint: `${AMBIGUOUS_HINT}${shown}`, predictionId: id.safe },
	};
}

/** Reads one HTTP answer to the submit POST. */
export function classifySubmitAnswer(response: RawResponse): SubmitClassification {
	const body = parseJsonBody(response.body);
	const envelope = envelopeSchema.safeParse(body);
	const apiMessage = envelope.success ? envelope.data.message : '';
	const status = response.status;
	// 408: the server gave up reading, possibly after it had the whole request; treated like a 5xx.
	if (status >= 400 && status < 500 && status !== 408) {
		// A 4xx is a refusal made before the task existed: nothing to pay for, and a 429 may be sent again later.
		const message = apiMessage || messageFromOddBody(body);
		return { kind: 'refused', failure: describeHttpFailure(status, message, 'submit', parseRetryAfterMs(response.headers['retry-after'])) };
	}
	if (status === 408) return ambiguous(status, 'WaveSpeed answered 408 (request timeout) after the request may have arrived', body);
	if (status >= 300 && status < 400) return ambiguous(status, `WaveSpeed answered the submit with a redirect (${status}), which is not followed`, body);
	if (status < 200 || status >= 300) {
		const failure = describeHttpFailure(status, apiMessage || messageFromOddBody(body), 'submit');
		const id = carriedId(body).safe;
		return { kind: 'ambiguous', failure: id ? { ...failure, predictionId: id } : failure };
	}
	if (!envelope.success) {
		const code = body && typeof body === 'object' ? (body as Record<string, unknown>).code : undefined;
		if (code !== undefined && code !== null && String(code) !== '') {
			return ambiguous(status, `WaveSpeed answered in an unexpected format (code ${truncate(JSON.stringify(code), 20)} where a number was expected)`, body);
		}
		return ambiguous(status, `WaveSpeed answered in an unexpected format (${describeZod(envelope.error)})`, body);
	}
	if (envelope.data.code !== 200) {
		// A balance refusal inside HTTP 200 is still a refusal (nothing can be created without funds); it is never retried.
		const refusal = describeHttpFailure(envelope.data.code, apiMessage, 'submit');
		if (refusal.kind === 'balance') return { kind: 'refused', failure: refusal };
		const said = apiMessage ? `: ${truncate(apiMessage, 200)}` : '';
		return ambiguous(status, `WaveSpeed answered HTTP ${status} with error code ${envelope.data.code} inside${said}`, body);
	}
	const data = predictionSchema.safeParse(envelope.data.data);
	if (!data.success) return ambiguous(status, `WaveSpeed's answer is missing fields (${describeZod(data.error)})`, body);
	if (!isSafePredictionId(data.data.id)) {
		return ambiguous(status, `WaveSpeed's answer names a prediction id that is not safe to use in a URL (${truncate(JSON.stringify(data.data.id), 60)})`, body);
	}
	return { kind: 'accepted', prediction: data.data };
}
