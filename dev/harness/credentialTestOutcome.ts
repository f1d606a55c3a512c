/** How n8n's CredentialsTester turns a test request's response or error into OK / Error (pure). */
import type { ICredentialTestRequest, IDataObject } from 'n8n-workflow';

import type { CredentialTestResult } from './types';

export const TEST_SUCCEEDED: CredentialTestResult = { status: 'OK', message: 'Connection successful!' };

type RequestFailure = {
	message?: unknown;
	cause?: { response?: { status?: number; statusText?: string }; code?: unknown };
};

/** Reads a dotted path like 'data.error' from a JSON body. */
function valueAt(body: unknown, path: string): unknown {
	return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as IDataObject)[key] : undefined), body);
}

/** A failed request: a matching responseCode rule, else any non-2xx status, else the network code, else the message. */
export function outcomeOfError(error: unknown, rules: ICredentialTestRequest['rules'] = []): CredentialTestResult {
	const failure = (error ?? {}) as RequestFailure;
	const response = failure.cause?.response;
	if (response?.status !== undefined) {
		const status = response.status;
		for (const rule of rules) {
			if (rule.type === 'responseCode' && rule.properties.value === status) return { status: 'Error', message: rule.properties.message };
		}
		if (status < 199 || status > 299) {
			return { status: 'Error', message: response.statusText || `Received HTTP status code: ${status}` };
		}
	} else if (failure.cause?.code) {
		return { status: 'Error', message: String(failure.cause.code) };
	}
	return { status: 'Error', message: String(failure.message ?? error) };
}

/** A successful request: a responseSuccessBody rule may still flag it as failed. */
export function outcomeOfResponse(body: unknown, rules: ICredentialTestRequest['rules'] = []): CredentialTestResult {
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody' && valueAt(body, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return TEST_SUCCEEDED;
}
