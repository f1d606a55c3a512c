// Child process for install.test.ts: loads an installed community package the way n8n does, in a bare
// Node process whose NODE_PATH holds only n8n's own modules, and prints what the loader saw as JSON.
// Usage: node load-package.child.js <n8n-core dir> <package dir>
'use strict';
const path = require('node:path');

const [n8nCoreDir, packageDir] = process.argv.slice(2);
const { PackageDirectoryLoader } = require(n8nCoreDir);

/** Bare module names a package file required, from outside the package itself. */
function externalRequires(packageRoot) {
	const names = new Set();
	for (const mod of Object.values(require.cache)) {
		if (!mod || !mod.filename.startsWith(packageRoot + path.sep)) continue;
		for (const child of mod.children) {
			if (child.filename.startsWith(packageRoot + path.sep)) continue;
			const tail = child.filename.split(`${path.sep}node_modules${path.sep}`).pop();
			const parts = tail.split(path.sep);
			names.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
		}
	}
	return [...names].sort();
}

/** Whether a bare module can be resolved from inside the package (it must not reach devDependencies). */
function resolvable(name, from) {
	try {
		require.resolve(name, { paths: [from] });
		return true;
	} catch {
		return false;
	}
}

async function main() {
	const loader = new PackageDirectoryLoader(packageDir);
	await loader.loadAll();
	const root = loader.directory;
	const report = {
		packageName: loader.packageName,
		directory: root,
		credentials: Object.entries(loader.credentialTypes).map(([name, { type, sourcePath }]) => ({
			name,
			displayName: type.displayName,
			className: loader.known.credentials[name].className,
			sourcePath,
			iconUrl: type.iconUrl ?? null,
			hasTest: Boolean(type.test),
			authenticate: typeof type.authenticate,
			supportedNodes: type.supportedNodes ?? [],
		})),
		nodes: Object.entries(loader.nodeTypes).map(([name, { type, sourcePath }]) => ({
			name,
			className: loader.known.nodes[name].className,
			sourcePath,
			iconUrl: type.description.iconUrl ?? null,
			codex: type.description.codex ?? null,
			credentials: (type.description.credentials ?? []).map((credential) => credential.name),
		})),
		externalRequires: externalRequires(root),
		resolvableFromPackage: Object.fromEntries(
			['n8n-workflow', 'zod', 'undici', 'sharp', 'n8n-core', 'jest'].map((name) => [name, resolvable(name, root)]),
		),
	};
	process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
	process.stderr.write(String(error && error.stack ? error.stack : error));
	process.exit(1);
});
