/** The lint rule that keeps the import graph acyclic: it must see a cycle when there is one. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findCycles, relativeImports } = require('../../dev/lint/cycles.js') as {
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
});
