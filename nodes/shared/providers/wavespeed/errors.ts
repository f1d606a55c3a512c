/** WaveSpeed's HTTP statuses and task error codes (docs/wavespeed-api.md), in words a user can act on. */
import type { Failure } from '../../core/errors';
import { RECOVER_HINT } from '../../core/errors';
import type { ApiPhase } from '../../http/transport';

/** Turns an HTTP answer that is not a success into a failure; `phase` says what we were doing. */
export function describeHttpFailure(
	httpCode: number,
	apiMessage: string,
	phase: ApiPhase,
	retryAfterMs?: number,
): Failure {
	const said = apiMessage ? `: ${apiMessage}` : '';
	if (isInsufficientBalance(httpCode, apiMessage)) {
		return {
			kind: 'balance',
			httpCode,
			message: `Your WaveSpeed balance is too low for this request${said}`,
			hint: 'Top up your WaveSpeed account at wavespeed.ai, then run the workflow again.',
		};
	}
	switch (httpCode) {
		case 401:
			return {
				kind: 'auth',
				httpCode,
				message: `WaveSpeed rejected the API key (401)${said}`,
				hint: 'Check the API key in the WaveSpeed API credential. New keys only work after the account has been topped up.',
			};
		case 403:
			return {
				kind: 'forbidden',
				httpCode,
				message: `WaveSpeed refused access (403)${said}`,
				hint: 'The account may be suspended or the key may lack access to this model. Check your account at wavespeed.ai.',
			};
		case 404:
			return phase === 'result'
				? {
						kind: 'notFound',
						httpCode,
						message: `WaveSpeed does not know this prediction (404)${said}`,
						hint: 'Check the prediction ID. Predictions and their outputs are deleted after 7 days.',
					}
				: {
						kind: 'badRequest',
						httpCode,
						message: `WaveSpeed answered 404 Not Found${said}`,
						hint: 'Check the Base URL in the WaveSpeed API credential (it should be https://api.wavespeed.ai).',
					};
		case 429:
			return {
				kind: 'rateLimit',
				httpCode,
				retryAfterMs,
				message: `WaveSpeed's rate limit was reached (429)${said}`,
				hint: `Lower Max Concurrent Requests, spread the batch over time, or raise your account level (Bronze allows 2 images per minute).${retryAfterMs ? ` WaveSpeed asked to wait ${Math.ceil(retryAfterMs / 1000)} s.` : ''}`,
			};
		case 504:
			return {
				kind: 'gatewayTimeout',
				httpCode,
				message: 'A gateway timed out (504) before WaveSpeed answered',
				hint:
					phase === 'submit'
						? 'The task may still be running and billed, but no prediction ID came back, so it was not submitted again. Check your WaveSpeed dashboard, and use Wait For Result: Poll Until Done for long tasks.'
						: 'Run the node again later; this request is safe to repeat.',
			};
	}
	if (httpCode >= 500) {
		return {
			kind: 'server',
			httpCode,
			message: `WaveSpeed had a server error (${httpCode})${said}`,
			hint:
				phase === 'submit'
					? 'The task may or may not have been created, so it was not submitted again (that could bill twice). Check your WaveSpeed dashboard before running it again.'
					: 'WaveSpeed may be having trouble; try again in a few minutes.',
		};
	}
	return {
		kind: 'badRequest',
		httpCode,
		message: `WaveSpeed rejected the request (${httpCode})${said}`,
		hint: `${phase === 'submit' ? 'Nothing was created or billed. ' : ''}Check the node parameters; the message above says which value WaveSpeed did not accept.`,
	};
}

export function isInsufficientBalance(httpCode: number, apiMessage: string): boolean {
	if (httpCode === 402) return true;
	return httpCode >= 400 && httpCode < 500 && /insufficient|balance|top.?up|credit/i.test(apiMessage);
}

/** The task ran and failed: `data.code` says why and who can fix it. */
export function describeTaskFailure(taskCode: number | undefined, errorText: string, predictionId: string, status: string): Failure {
	const said = errorText ? `: ${errorText}` : '';
	const base = { kind: 'task' as const, predictionId, status, taskCode };
	switch (taskCode) {
		case 1200:
			return { ...base, message: `WaveSpeed's content moderation blocked this request (1200)${said}`, hint: 'Change the prompt or the reference images; retrying the same input will be blocked again.' };
		case 1400:
		case 1401:
			return { ...base, message: `WaveSpeed found a missing or invalid parameter (${taskCode})${said}`, hint: 'Check the prompt, aspect ratio and reference images against the node documentation.' };
		case 1402:
			return { ...base, message: `WaveSpeed could not fetch a reference image (1402)${said}`, hint: 'Reference image URLs must be public. Use a Binary Field instead, or a public or pre-signed link.' };
		case 1403:
		case 1405:
			return { ...base, message: `The task failed while running (${taskCode})${said}`, hint: 'Running it again creates a new billed task; try again, or simplify the prompt.' };
		case 5000:
		case 5003:
			return { ...base, message: `WaveSpeed had an internal problem running the task (${taskCode})${said}`, hint: 'Running it again creates a new billed task; wait a few minutes and try again.' };
		case 5004:
			return { ...base, message: `The task timed out on WaveSpeed (5004)${said}`, hint: RECOVER_HINT };
	}
	return {
		...base,
		message: `The task ended with status "${status}"${taskCode ? ` (code ${taskCode})` : ''}${said}`,
		hint: 'Running it again creates a new billed task. Check the prompt and images, then try again.',
	};
}
