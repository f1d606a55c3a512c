/** n8n's INodeTypes over the loaded packages: serves '<package>.<name>' like n8n's NodeTypes service. */
import type { IDataObject, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers, UserError } from 'n8n-workflow';

import { TOOL_CALLER_TYPE, TOOL_SUFFIX, toolCaller, toolVariant } from './aiTools';
import { loadPackages, splitNodeType } from './loaders';
import type { Loaders } from './loaders';

export function nodeTypesFrom(loaders: Loaders): INodeTypes {
	const getByName = (fullType: string): INodeType | IVersionedNodeType => {
		if (fullType === TOOL_CALLER_TYPE) return toolCaller;
		const [packageName, name] = splitNodeType(fullType);
		const loader = loaders.get(packageName);
		if (!loader) throw new UserError(`Unknown node type "${fullType}": package "${packageName}" is not loaded`);
		if (name.endsWith(TOOL_SUFFIX) && !(name in loader.known.nodes)) {
			const tool = toolVariant(loader.getNode(name.slice(0, -TOOL_SUFFIX.length)).type);
			if (tool) return tool;
		}
		return loader.getNode(name).type;
	};
	return {
		getByName,
		getByNameAndVersion: (fullType, version) => NodeHelpers.getVersionedNodeType(getByName(fullType), version),
		getKnownTypes: () => knownTypes(loaders),
	};
}

/** Every known node as '<package>.<name>' -> loading details. */
function knownTypes(loaders: Loaders): IDataObject {
	const known: IDataObject = {};
	for (const [packageName, loader] of loaders) {
		for (const [name, details] of Object.entries(loader.known.nodes)) known[`${packageName}.${name}`] = details;
	}
	return known;
}

let cached: Promise<INodeTypes> | undefined;

/** This package's nodes and n8n-nodes-base's, loaded once per process. */
export async function loadNodeTypes(): Promise<INodeTypes> {
	cached ??= loadPackages().then(nodeTypesFrom);
	return await cached.catch((error: unknown) => {
		cached = undefined;
		throw error;
	});
}
