/** each::labs' HTTP statuses and failure classifications (docs/eachlabs-api.md), in words a user can act on. */
import type { Failure } from '../../core/errors';
import type { ApiPhase } from '../../http/transport';
import type { OutputError } from './schemas';

export const DASHBOARD = 'each::labs dashboard (eachlabs.ai)';

/** After a 429, each::labs kept refusing creates until about 90-120 s passed without any (observed): wait at least this. */
export const EACHLABS_QUIET_AFTER_429_MS = 120_000;

export function describeHttpFailure(httpCode: number, apiMessage: string, phase: ApiPhase, retryAfterMs?: number): Failure {
	const said = apiMessage ? `: ${apiMessage}` : '';
	switch (httpCode) {
		case 401:
			return {
				kind: 'auth',
				httpCode,
				message: `each::labs rejected the API key (401)${said}`,
				hint: 'Check the API key in the each::labs API credential (keys are created at eachlabs.ai > API Keys).',
			};
		case 402:
			return {
				kind: 'balance',
				httpCode,
				message: `Your each::labs balance is too low for this request (402)${said}`,
				hint: 'each::labs reserves the estimated cost of every running prediction. Top up your account at eachlabs.ai, or lower Max Concurrent Requests, then run the workflow again. Rows after this one were not submitted.',
			};
		case 403:
			return { kind: 'forbidden', httpCode, message: `each::labs refused access (403)${said}`, hint: `Check that your key may use this model in your ${DASHBOARD}.` };
		case 404:
			return phase === 'result'
				? { kind: 'notFound', httpCode, message: `each::labs does not know this prediction (404)${said}`, hint: 'Check the prediction ID and that it was created with the same each::labs account.' }
				: { kind: 'badRequest', httpCode, message: `each::labs answered 404 Not Found${said}`, hint: 'Check the Base URL in the each::labs API credential (it should be https://api.eachlabs.ai).' };
		case 429:
			return {
				kind: 'rateLimit',
				httpCode,
				// A create sent sooner only prolongs the refusal, so the whole run keeps quiet at least this long.
				retryAfterMs: phase === 'submit' ? Math.max(retryAfterMs ?? 0, EACHLABS_QUIET_AFTER_429_MS) : retryAfterMs,
				// A cap on predictions in flight, not a request rate (docs/eachlabs-api.md).
				...(phase === 'submit' ? { capReached: true } : {}),
				message: `each::labs' concurrency limit was reached (429)${said}`,
				hint: 'each::labs limits accounts with a balance of $10 or less (2 GPT Image 2 predictions at once) and, after a 429, refuses until about 2 minutes pass without a request. To lift it, keep your balance above $10 (top up at eachlabs.ai); else lower Max Concurrent Requests to 2 and raise Timeout.',
			};
	}
	if (httpCode >= 500) {
		return {
			kind: httpCode === 504 ? 'gatewayTimeout' : 'server',
			httpCode,
			message: `each::labs had a server error (${httpCode})${said}`,
			hint:
				phase === 'submit'
					? `The prediction may or may not have been created, so it was not submitted again (that could bill twice). Check your ${DASHBOARD} before running it again.`
					: 'each::labs may be having trouble; try again in a few minutes.',
		};
	}
	return {
		kind: 'badRequest',
		httpCode,
		message: `each::labs rejected the request (${httpCode})${said}`,
		hint: 'Check the node parameters; the message above says what each::labs did not accept.',
	};
}

const CLASSIFICATION_HINTS: Record<string, string> = {
	content_moderation: 'Change the prompt or the reference images; the same input will be blocked again.',
	invalid_user_input: 'Reference image URLs must be public: use a Binary Field, or a public or pre-signed link. Also check the prompt.',
	execution_timeout: 'Running it again creates a new billed prediction; try again, or lower Quality.',
	provider_rate_limit: 'The model was busy. Running it again creates a new billed prediction; wait a minute first.',
	provider_unavailable: 'The model was unavailable. Running it again creates a new billed prediction; wait a few minutes first.',
};

/** Callback failures carry upper-case codes; each is its classification in capitals, except this one. */
const CODE_CLASSIFICATIONS: Record<string, string> = { INPUT_VALIDATION_ERROR: 'invalid_user_input' };

function classificationOfCode(code: string | number | undefined): string | undefined {
	return typeof code === 'string' && code ? (CODE_CLASSIFICATIONS[code] ?? code.toLowerCase()) : undefined;
}

/** A reason that says the model could not fetch an input image, whatever classification came with it. */
const UNREACHABLE_IMAGE = /not reachable|unreachable|could not (download|fetch)|failed to (download|fetch)/i;

/** A prediction that ran and failed: the reason as each::labs gave it, and what to do. */
export function describeTaskFailure(reason: string, predictionId: string, status: string, error?: OutputError): Failure {
	const classification = error?.classification ?? classificationOfCode(error?.error_code) ?? (UNREACHABLE_IMAGE.test(reason) ? 'invalid_user_input' : undefined);
	// As each::labs worded it: the classification when polled, the upper-case code in a callback.
	const label = error?.classification ?? (typeof error?.error_code === 'string' ? error.error_code : undefined);
	const said = reason ? `: ${reason}` : '';
	return {
		kind: 'task',
		predictionId,
		status,
		message: `The prediction ended with status "${status}"${label ? ` (${label})` : ''}${said}`,
		hint: (classification && CLASSIFICATION_HINTS[classification]) ?? 'Running it again creates a new billed prediction. Check the prompt and images, then try again.',
	};
}
