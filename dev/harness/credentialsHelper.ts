/** n8n's ICredentialsHelper for tests: fixed decrypted credentials by type, authenticated the way n8n does it. */
import { Credentials, getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IRequestOptionsSimplifiedAuth,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, UnexpectedError, UserError, isExpression } from 'n8n-workflow';

import type { CredentialTypeLookup } from './credentialTypes';

/** Fills unset fields with the credential's defaults, as n8n does before a node sees them. */
export function withDefaults(
	properties: INodeProperties[],
	data: ICredentialDataDecryptedObject,
): ICredentialDataDecryptedObject {
	const filled: ICredentialDataDecryptedObject = { ...data };
	for (const { name, default: fallback } of properties) {
		if (filled[name] === undefined && fallback !== undefined) filled[name] = fallback as ICredentialDataDecryptedObject[string];
	}
	return filled;
}

/** Resolves one `={{ }}` string of a generic authenticate block against `$credentials`. */
function resolveAuthValue(value: string, credentials: ICredentialDataDecryptedObject, workflow: Workflow, node: INode): string {
	if (!isExpression(value)) return value;
	const resolved = workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '');
	return resolved ? String(resolved) : '';
}

/** Applies an IAuthenticateGeneric block: headers/qs/body/auth get their resolved key/value pairs, scalars are resolved. */
function applyGenericAuth(
	properties: IRequestOptionsSimplifiedAuth,
	credentials: ICredentialDataDecryptedObject,
	request: Record<string, unknown>,
	workflow: Workflow,
	node: INode,
): void {
	const resolve = (value: unknown) => resolveAuthValue(String(value), credentials, workflow, node);
	for (const [target, pairs] of Object.entries(properties)) {
		if (pairs === null || typeof pairs !== 'object') {
			request[target] = typeof pairs === 'string' ? resolve(pairs) : pairs;
			continue;
		}
		const bag = { ...((request[target] ?? {}) as Record<string, unknown>) };
		for (const [key, value] of Object.entries(pairs as Record<string, unknown>)) bag[resolve(key)] = resolve(value);
		request[target] = bag;
	}
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentials: Record<string, ICredentialDataDecryptedObject>,
		private readonly credentialType: CredentialTypeLookup,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const parents = this.credentialType(name).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	/** A function `authenticate` is called as is (ours refuses insecure Base URLs); a generic block is resolved. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialType(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		if (authenticate?.type === 'generic') {
			if (!workflow || !node) throw new UnexpectedError('Workflow and node are required for generic credential authentication');
			applyGenericAuth(authenticate.properties, credentials, requestOptions as unknown as Record<string, unknown>, workflow, node);
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		return new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type, '');
	}

	/** The test data for that type with defaults applied and `={{ }}` fields resolved like n8n does for a node. */
	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		_executeData?: unknown,
		raw?: boolean,
		resolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const given = this.credentials[type];
		if (!given) throw new UserError(`No test credentials for type "${type}": pass them in runWorkflow options.credentials`);
		const data = withDefaults(this.getCredentialsProperties(type), given);
		if (raw || !resolveValues || !Object.values(data).some((value) => isExpression(value))) return data;
		const additionalKeys = getAdditionalKeys(additionalData, mode, resolveValues.runExecutionData);
		return resolveValues.workflow.expression.getComplexParameterValue(
			resolveValues.node,
			data as INodeParameters,
			mode,
			additionalKeys,
			undefined,
			undefined,
			data,
		) as ICredentialDataDecryptedObject;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialType(type).properties;
	}

	/** The credential class, for callers that need its `test` request. */
	typeOf(type: string): ICredentialType {
		return this.credentialType(type);
	}
}
