import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';
import { ApplicationError } from 'n8n-workflow';

import { checkBaseUrl } from '../nodes/shared/http/baseUrl';
import { WAVESPEED_BASE_URL } from '../nodes/shared/providers/wavespeed/entry';

export class WaveSpeedApi implements ICredentialType {
	name = 'waveSpeedApi';

	displayName = 'WaveSpeed API';

	icon: Icon = { light: 'file:../icons/wavespeed.svg', dark: 'file:../icons/wavespeed.dark.svg' };

	documentationUrl = 'https://wavespeed.ai/docs/docs-api-authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Your WaveSpeedAI API key, from wavespeed.ai > Access Keys. Keys only work after the account has been topped up.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: WAVESPEED_BASE_URL,
			placeholder: 'e.g. https://api.wavespeed.ai',
			description:
				'Change only to use a gateway. Must be https:// (plain http is allowed only for localhost) so the key is never sent in clear.',
		},
	];

	// A function rather than a generic header so an insecure Base URL is refused before the key leaves.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const check = checkBaseUrl(credentials.baseUrl, WAVESPEED_BASE_URL);
		if (!check.ok) throw new ApplicationError(check.reason);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey ?? '')}` },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl || "https://api.wavespeed.ai").replace(/\\/+$/, "") }}',
			url: '/api/v3/balance',
			method: 'GET',
		},
		// WaveSpeed answers 401 both for a wrong key and for a key of an account that was never topped up.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'WaveSpeed refused the API key (401): wrong key, or the account was never topped up. Copy the key from wavespeed.ai > Access Keys and check the balance.',
				},
			},
		],
	};
}
