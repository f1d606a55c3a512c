/** The editor's credential "Test" button for credentials with a `test.request`, as n8n's CredentialsTester runs it. */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestRequest,
	IExecuteData,
	INode,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { buildAdditionalData } from './additionalData';
import { setupContainer } from './container';
import { credentialTypesFrom } from './credentialTypes';
import { HarnessCredentialsHelper, withDefaults } from './credentialsHelper';
import { outcomeOfError, outcomeOfResponse } from './credentialTestOutcome';
import { loadPackages } from './loaders';
import { nodeTypesFrom } from './nodeTypes';
import type { CredentialTestResult } from './types';

const TEST_NODE_TYPE = 'n8n-nodes-base.noOp';

/** n8n tests with a copy of NoOp whose only property routes the credential's test request. */
function testNodeType(noOp: INodeType, credentialType: string, test: ICredentialTestRequest): INodeType {
	return {
		description: {
			...noOp.description,
			credentials: [{ name: credentialType, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: test.request }, default: '' }],
		},
	};
}

/** Serves only the test node, as the tester's mock node types do. */
function singleNodeTypes(nodeType: INodeType): INodeTypes {
	return {
		getByName: () => nodeType,
		getByNameAndVersion: (_name, version) => NodeHelpers.getVersionedNodeType(nodeType, version),
		getKnownTypes: () => ({}),
	};
}

function testNode(nodeType: INodeType, credential: ICredentialsDecrypted): INode {
	const { version } = nodeType.description;
	return {
		id: 'temp',
		name: 'Temp-Node',
		type: TEST_NODE_TYPE,
		typeVersion: Array.isArray(version) ? version[version.length - 1] : version,
		position: [0, 0],
		parameters: {},
		credentials: { [credential.type]: { id: credential.id, name: credential.name } },
	};
}

export async function testCredential(type: string, data: ICredentialDataDecryptedObject): Promise<CredentialTestResult> {
	await setupContainer();
	const loaders = await loadPackages();
	const credentialType = credentialTypesFrom(loaders);
	const { test, properties } = credentialType(type);
	if (!test) return { status: 'Error', message: 'No testing function found for this credential.' };

	const credential: ICredentialsDecrypted = { id: 'harness-credential', name: 'Harness credential', type, data: withDefaults(properties, data) };
	const noOp = nodeTypesFrom(loaders).getByNameAndVersion(TEST_NODE_TYPE);
	const nodeType = testNodeType(noOp, type, test);
	const node = testNode(nodeType, credential);
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: singleNodeTypes(nodeType) });
	const credentialsHelper = new HarnessCredentialsHelper({ [type]: credential.data ?? {} }, credentialType);
	const additionalData = buildAdditionalData({ credentialsHelper, executionId: 'credential-test' });
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData({ resultData: { runData: {} } }),
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);

	try {
		const response = await new RoutingNode(context, nodeType, credential).runNode();
		return outcomeOfResponse(response?.[0]?.[0]?.json, test.rules);
	} catch (error) {
		return outcomeOfError(error, test.rules);
	}
}
