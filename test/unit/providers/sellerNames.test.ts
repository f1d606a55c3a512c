/**
 * Seller facts live in their folders: outside nodes/shared/providers/<seller>/ no shipped file (the built dist/, comments
 * included) and no source names a seller, except the catalog that lists them and the texts a user reads in the editor
 * (editor/, the codex aliases in .node.json, the credentials and their icons).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { PROVIDER_IDS } from '../../../nodes/shared/providers/catalog';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Any spelling of either seller's name: WaveSpeed, WaveSpeedAI, wavespeed, each::labs, eachlabs, EachLabs, each labs. */
const SELLER_NAME = /wave[\s_-]*speed|each\s*(?:::?|[\s_-])?\s*labs/i;

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? filesUnder(full) : [full];
	});
}

/** Where a seller may be named, for a path relative to the root (sources) or to dist/ (the same layout). */
function mayNameSellers(relative: string): boolean {
	const file = relative.split(path.sep).join('/');
	return (
		PROVIDER_IDS.some((id) => file.startsWith(`nodes/shared/providers/${id}/`)) ||
		/^nodes\/shared\/providers\/catalog\.(ts|js|d\.ts|js\.map)$/.test(file) ||
		file.startsWith('nodes/shared/editor/') ||
		file.startsWith('credentials/') ||
		/^nodes\/[^/]+\/[^/]+\.node\.json$/.test(file) ||
		PROVIDER_IDS.some((id) => file.startsWith(`icons/${id}.`))
	);
}

function namingSellers(base: string, files: string[]): string[] {
	return files.map((file) => path.relative(base, file)).filter((file) => !mayNameSellers(file) && SELLER_NAME.test(readFileSync(path.join(base, file), 'utf8')));
}

test('the pattern finds every spelling of both sellers', () => {
	for (const name of ['WaveSpeed', 'WaveSpeedAI', 'wavespeed', 'each::labs', 'eachlabs', 'EachLabs', 'each labs', 'EACH_LABS']) expect(name).toMatch(SELLER_NAME);
	expect('each label').not.toMatch(SELLER_NAME);
});

test('no shipped file outside the seller folders, the catalog and the editor texts names a seller', () => {
	const dist = path.join(ROOT, 'dist');
	expect(namingSellers(dist, filesUnder(dist))).toEqual([]);
});

test('no source outside the seller folders, the catalog and the editor texts names a seller', () => {
	const sources = [...filesUnder(path.join(ROOT, 'nodes')), ...filesUnder(path.join(ROOT, 'credentials'))];
	expect(namingSellers(ROOT, sources)).toEqual([]);
});
