/**
 * Three things differ when n8n-core runs inside jest rather than plain Node, and they break real nodes or cleanup:
 * - jest's module registry cannot `require` ESM-only packages on Node < 24.9 (Node itself can, >= 20.19);
 *   n8n-nodes-base reaches one through sanitize-html (Wait, Form, Send Email nodes).
 * - jest runs test code in its own realm, so errors thrown by Node's fs are not `instanceof Error` there;
 *   n8n-core's file helpers rely on that check (e.g. Write File to a new path fails with ENOENT).
 * - jest gives test code a copy of `process` whose 'exit' listeners never run; cleanup must use Node's.
 * Outside jest these do nothing or return the ordinary objects.
 */
import { realpathSync } from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';

type JestModuleMocker = { doMock(moduleName: string, factory: () => unknown): unknown };

/** jest injects `jest` into every module it runs; outside jest this name is undeclared. */
declare const jest: JestModuleMocker | undefined;

const underJest = (): boolean => typeof jest !== 'undefined';

/** [package that requires it, ESM-only dependency], as installed for n8n-nodes-base 2.40.1. */
const ESM_ONLY_DEPENDENCIES: ReadonlyArray<[parent: string, dependency: string]> = [['sanitize-html', 'htmlparser2']];

/** Under jest, 'module' is jest's subclass of Node's Module; the parent class keeps Node's own createRequire. */
function nodeCreateRequire(): typeof nodeModule.createRequire {
	const parent = Object.getPrototypeOf(nodeModule) as Partial<typeof nodeModule>;
	return typeof parent.createRequire === 'function' ? parent.createRequire : nodeModule.createRequire;
}

/** Node's own require (not jest's registry), for modules that must come from Node itself. */
function nativeRequire(): NodeJS.Require {
	return nodeCreateRequire()(__filename);
}

/** The real process object: under jest, `process` is a copy whose events never fire. */
export function hostProcess(): NodeJS.Process {
	return underJest() ? (nativeRequire()('node:process') as NodeJS.Process) : process;
}

let esmShimmed = false;

/** Loads each ESM-only dependency with Node's require(esm) and hands jest that module. */
export function shimEsmOnlyModulesUnderJest(): void {
	if (esmShimmed || !underJest()) return;
	esmShimmed = true;
	const load = nativeRequire();
	for (const [parent, dependency] of ESM_ONLY_DEPENDENCIES) {
		let resolved: string;
		try {
			const parentDir = path.dirname(load.resolve(`${parent}/package.json`));
			resolved = load.resolve(dependency, { paths: [parentDir] });
		} catch {
			continue; // not installed in this tree: nothing to shim
		}
		jest?.doMock(resolved, () => load(resolved));
	}
}

/** The Error constructor of Node's own realm, taken from an error fs throws. */
function nodeRealmError(): ErrorConstructor | undefined {
	try {
		realpathSync(path.join(__dirname, 'does-not-exist', String(Date.now())));
	} catch (error) {
		return (Object.getPrototypeOf(Object.getPrototypeOf(error)) as { constructor: ErrorConstructor }).constructor;
	}
	return undefined;
}

let realmShimmed = false;

/** Makes `x instanceof Error` (only Error itself, not subclasses) also accept errors from Node's realm. */
export function shareErrorRealmUnderJest(): void {
	if (realmShimmed || !underJest()) return;
	realmShimmed = true;
	const NodeError = nodeRealmError();
	if (!NodeError || NodeError === Error) return;
	const ordinary = Function.prototype[Symbol.hasInstance];
	Object.defineProperty(Error, Symbol.hasInstance, {
		configurable: true,
		value(this: unknown, value: unknown): boolean {
			return ordinary.call(this, value) || (this === Error && ordinary.call(NodeError, value));
		},
	});
}
