/** The lint rule that keeps the import graph acyclic: it must see a cycle when there is one. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cyclesUnder, findCycles, relativeImports } = require('../../dev/lint/cycles.js') as {
	cyclesUnder: (root: string) => string[][];
	findCycles: (graph: Map<string, string[]>) => string[][];
	relativeImports: (text: string) => string[];
};

describe('import-cycle rule', () => {
	test('finds a three-module circle and names its members', () => {
		const graph = new Map([
			['a', ['b']],
			['b', ['c']],
			['c', ['a']],
			['d', ['a']],
		]);
		expect(findCycles(graph)).toEqual([['a', 'b', 'c']]);
	});

	test('a module importing itself is a cycle; a chain is not', () => {
		expect(findCycles(new Map([['a', ['a']]]))).toEqual([['a']]);
		expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toEqual([]);
	});

	test('reads imports, type imports, re-exports and requires, relative ones only', () => {
		const text = [
			"import { x } from './x';",
			"import type { Y } from '../y';",
			"export { z } from './z';",
			"import './side-effect';",
			"const w = require('./w');",
			"import { n } from 'n8n-workflow';",
		].join('\n');
		expect(relativeImports(text).sort()).toEqual(['../y', './side-effect', './w', './x', './z']);
	});

	test('walks nested folders: a cycle planted two folders deep under nodes/ is found, the repository has none', () => {
		const root = mkdtempSync(path.join(tmpdir(), 'cycles-'));
		try {
			const plant = (file: string, text: string) => {
				mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
				writeFileSync(path.join(root, file), text);
			};
			plant('nodes/shared/item/finish.ts', "import { a } from '../money/cost';\nexport const b = a;\n");
			plant('nodes/shared/money/cost.ts', "import type { T } from '../item/finish';\nexport const a = 1;\n");
			plant('nodes/shared/core/kinds.ts', 'export const k = 1;\n');
			const cycles = cyclesUnder(root).map((cycle) => cycle.map((file) => path.relative(root, file)));
			expect(cycles).toEqual([['nodes/shared/item/finish.ts', 'nodes/shared/money/cost.ts']]);
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
		expect(cyclesUnder(path.resolve(__dirname, '..', '..'))).toEqual([]);
	});
});
