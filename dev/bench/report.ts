/** The bench's output: one table on stdout and the same figures in bench-output/bench.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Figure } from './figures';

const COLUMNS: Array<{ title: string; width: number; cell: (f: Figure) => string }> = [
	{ title: 'scenario', width: 38, cell: (f) => f.scenario },
	{ title: 'figure', width: 36, cell: (f) => f.figure },
	{ title: 'value', width: 36, cell: (f) => f.shown },
	{ title: 'target', width: 12, cell: (f) => f.target },
	{ title: 'result', width: 6, cell: (f) => (f.pass === undefined ? '' : f.pass ? 'PASS' : 'FAIL') },
];

export function formatTable(figures: Figure[]): string {
	const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(COLUMNS[i].width)).join(' ').trimEnd();
	return [line(COLUMNS.map((c) => c.title)), ...figures.map((f) => line(COLUMNS.map((c) => c.cell(f))))].join('\n');
}

export function allPassed(figures: Figure[]): boolean {
	return figures.every((f) => f.pass !== false);
}

export interface BenchMeta {
	startedAt: string;
	durationMs: number;
	cores: number;
	cpu: string;
	node: string;
	loadAverage: { start: number[]; end: number[] };
	platform: string;
	notes: string[];
}

export function writeJson(repo: string, meta: BenchMeta, figures: Figure[], pollers: unknown[] = []): string {
	const dir = path.join(repo, 'bench-output');
	mkdirSync(dir, { recursive: true });
	const file = path.join(dir, 'bench.json');
	// Infinity/NaN are not JSON: they become null, with the shown text kept beside them.
	writeFileSync(file, `${JSON.stringify({ ...meta, passed: allPassed(figures), figures, pollers }, null, 2)}\n`);
	return file;
}
