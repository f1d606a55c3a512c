/** The WaveSpeed credential, created and tested through n8n's REST API as the editor's credential dialog does. */
import type { Emulator } from '../emulator';
import { info } from './log';
import type { N8nRest } from './n8nApp';

export const CREDENTIAL_NAME = 'WaveSpeed account';
export const WRONG_KEY_MESSAGE = /wrong key, or the account was never topped up/;

export interface CredentialResult {
	id: string;
	name: string;
	testOk: { status: string; message: string };
	testWrongKey: { status: string; message: string };
}

interface TestResult {
	status: string;
	message: string;
}

export const EACHLABS_CREDENTIAL_NAME = 'each::labs account';
export const EACHLABS_WRONG_KEY_MESSAGE = /each::labs rejected the API key \(401\)/;

/** The each::labs credential against its emulator: created, tested with the right key and a wrong one. */
export async function createAndTestEachLabsCredential(rest: N8nRest, emulator: Emulator): Promise<CredentialResult> {
	const data = { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl };
	const created = await rest.call<{ id: string; name: string }>('POST', '/credentials', { name: EACHLABS_CREDENTIAL_NAME, type: 'eachLabsApi', data });
	const test = (apiKey: string) =>
		rest.call<TestResult>('POST', '/credentials/test', { credentials: { id: created.id, name: EACHLABS_CREDENTIAL_NAME, type: 'eachLabsApi', data: { ...data, apiKey } } });
	const testOk = await test(emulator.apiKey);
	if (testOk.status !== 'OK') throw new Error(`each::labs credential test with the emulator's key failed: ${JSON.stringify(testOk)}`);
	const wrongKey = 'smk_e2e_wrong_key';
	const testWrongKey = await test(wrongKey);
	if (testWrongKey.status !== 'Error' || !EACHLABS_WRONG_KEY_MESSAGE.test(testWrongKey.message) || testWrongKey.message.includes(wrongKey)) {
		throw new Error(`each::labs credential test with a wrong key should fail with our message (and not echo the key): ${JSON.stringify(testWrongKey)}`);
	}
	info(`each::labs credential "${created.name}" created and tested (right key: ${testOk.status}, wrong key: ${testWrongKey.status})`);
	return { id: created.id, name: created.name, testOk, testWrongKey };
}

export async function createAndTestCredential(rest: N8nRest, emulator: Emulator): Promise<CredentialResult> {
	const data = { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl };
	const created = await rest.call<{ id: string; name: string }>('POST', '/credentials', { name: CREDENTIAL_NAME, type: 'waveSpeedApi', data });
	info(`credential "${created.name}" created (id ${created.id})`);

	const test = (apiKey: string) =>
		rest.call<TestResult>('POST', '/credentials/test', { credentials: { id: created.id, name: CREDENTIAL_NAME, type: 'waveSpeedApi', data: { ...data, apiKey } } });
	const testOk = await test(emulator.apiKey);
	if (testOk.status !== 'OK') throw new Error(`credential test with the emulator's key failed: ${JSON.stringify(testOk)}`);
	info(`credential test with the right key: ${testOk.status} "${testOk.message}"`);

	const wrongKey = 'ws-e2e-wrong-key';
	const testWrongKey = await test(wrongKey);
	if (testWrongKey.status !== 'Error' || !WRONG_KEY_MESSAGE.test(testWrongKey.message) || testWrongKey.message.includes(wrongKey)) {
		throw new Error(`credential test with a wrong key should fail with our message (and not echo the key): ${JSON.stringify(testWrongKey)}`);
	}
	info(`credential test with a wrong key: ${testWrongKey.status} "${testWrongKey.message}"`);
	return { id: created.id, name: created.name, testOk, testWrongKey };
}
