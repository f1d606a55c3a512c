/** The folders of nodes/shared/ are layers: a file imports only from its own folder or from folders listed before it. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SHARED = path.resolve(__dirname, '..', '..', 'nodes', 'shared');
/** The order docs/architecture.md lists them in. */
const LAYERS = ['core', 'http', 'providers', 'schedule', 'params', 'editor', 'money', 'item', 'batch', 'operations', 'trigger'];

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
	});
}

const layerOf = (file: string) => path.relative(SHARED, file).split(path.sep)[0];

test('every file of nodes/shared/ sits in a layer folder', () => {
	expect([...new Set(sourceFiles(SHARED).map(layerOf))].sort()).toEqual([...LAYERS].sort());
});

test('no import runs back up a layer', () => {
	const upward: string[] = [];
	for (const file of sourceFiles(SHARED)) {
		const from = LAYERS.indexOf(layerOf(file));
		for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)) {
			const target = path.resolve(path.dirname(file), specifier);
			if (!target.startsWith(SHARED + path.sep)) continue;
			if (LAYERS.indexOf(layerOf(target)) > from) upward.push(`${path.relative(SHARED, file)} -> ${path.relative(SHARED, target)}`);
		}
	}
	expect(upward).toEqual([]);
});
