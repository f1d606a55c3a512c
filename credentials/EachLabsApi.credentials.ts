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
import { EACHLABS_BASE_URL } from '../nodes/shared/providers/eachlabs/entry';

export class EachLabsApi implements ICredentialType {
	name = 'eachLabsApi';

	displayName = 'EachLabs API';

	icon: Icon = { light: 'file:../icons/eachlabs.svg', dark: 'file:../icons/eachlabs.dark.svg' };

	documentationUrl = 'https://docs.eachlabs.ai';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your each::labs API key, from eachlabs.ai > API Keys (new keys start with smk_)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: EACHLABS_BASE_URL,
			placeholder: 'e.g. https://api.eachlabs.ai',
			description:
				'Change only to use a gateway. Must be https:// (plain http is allowed only for localhost) so the key is never sent in clear.',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. Sent as webhook_secret with every prediction that has a Webhook URL; each::labs returns it in the X-Webhook-Secret header of the callback so the receiver can check it.',
		},
	];

	// A function rather than a generic header so an insecure Base URL is refused before the key leaves.
	// Only `Authorization: Bearer` is sent: the current docs use it for every API; the legacy X-API-Key header
	// would put the key in a second, custom header that proxies are less careful not to log.
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const check = checkBaseUrl(credentials.baseUrl, EACHLABS_BASE_URL);
		if (!check.ok) throw new ApplicationError(check.reason);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey ?? '')}` },
		};
	}

	// The spend history is a documented authenticated read that costs nothing; the model endpoint is public in
	// the docs, so it might accept a wrong key and pass the test.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl || "https://api.eachlabs.ai").replace(/\\/+$/, "") }}',
			url: '/v1/executions',
			qs: { limit: 1 },
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'each::labs rejected the API key (401). Check the key at eachlabs.ai > API Keys.',
				},
			},
		],
	};
}
