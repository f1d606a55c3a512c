import { clearProcessMemory, DELIVERED_TTL_MS, MAX_STORED_ENTRIES, PENDING_TTL_MS, pruneEntries, readStoredEntries, RecoveryMemory, STATIC_DATA_FIELD } from '../../../nodes/shared/money/recovery';

const HOUR = 3_600_000;

function setup(scope = 'wf|node') {
	const c = { t: 10 * DELIVERED_TTL_MS };
	const open = (staticData?: Record<string, unknown>) => new RecoveryMemory({ scope, staticData, now: () => c.t });
	return { c, open };
}

describe('RecoveryMemory', () => {
	beforeEach(() => clearProcessMemory());

	test('a prediction submitted in one run is picked up once by the next run, never by the run that submitted it', () => {
		const { open } = setup();
		const first = open();
		first.rememberSubmitted('fp', 'pred1');
		expect(first.claimPending('fp')).toBeUndefined();
		const second = open();
		expect(second.claimPending('fp')).toMatchObject({ id: 'pred1', s: 'p' });
		expect(second.claimPending('fp')).toBeUndefined();
		expect(open().claimPending('other')).toBeUndefined();
	});

	test('identical rows of an earlier run are picked up one each, oldest first', () => {
		const { c, open } = setup();
		const first = open();
		first.rememberSubmitted('fp', 'a');
		c.t += 1;
		first.rememberSubmitted('fp', 'b');
		const second = open();
		expect([second.claimPending('fp')?.id, second.claimPending('fp')?.id, second.claimPending('fp')]).toEqual(['a', 'b', undefined]);
	});

	test('pending entries expire after 24 h', () => {
		const { c, open } = setup();
		open().rememberSubmitted('fp', 'old');
		c.t += PENDING_TTL_MS + 1;
		expect(open().claimPending('fp')).toBeUndefined();
	});

	test('delivered results are not pending, but are reusable within the window asked for', () => {
		const { c, open } = setup();
		const first = open();
		first.rememberSubmitted('fp', 'done1');
		first.markDelivered('done1');
		c.t += 2 * HOUR;
		expect(open().claimPending('fp')).toBeUndefined();
		expect(open().claimDelivered('fp', 1 * HOUR)).toBeUndefined();
		expect(open().claimDelivered('fp', 3 * HOUR)).toMatchObject({ id: 'done1', s: 'd' });
		c.t += DELIVERED_TTL_MS;
		expect(open().claimDelivered('fp', 10 * DELIVERED_TTL_MS)).toBeUndefined();
	});

	test('a forgotten (failed) prediction is never picked up', () => {
		const { open } = setup();
		const first = open();
		first.rememberSubmitted('fp', 'bad');
		first.forget('bad');
		expect(open().claimPending('fp')).toBeUndefined();
	});

	test('static data carries the memory to another process (or queue worker)', () => {
		const { open } = setup();
		const staticData: Record<string, unknown> = {};
		open(staticData).rememberSubmitted('fp', 'shared');
		expect(staticData[STATIC_DATA_FIELD]).toEqual({ v: 1, entries: [expect.objectContaining({ f: 'fp', id: 'shared', s: 'p' })] });
		clearProcessMemory();
		const copy = JSON.parse(JSON.stringify(staticData)) as Record<string, unknown>;
		expect(open(copy).claimPending('fp')).toMatchObject({ id: 'shared' });
	});

	test('memory is per scope (workflow and node)', () => {
		setup('a').open().rememberSubmitted('fp', 'x');
		expect(setup('b').open().claimPending('fp')).toBeUndefined();
	});

	test('unsafe ids are never remembered, and odd static data is ignored', () => {
		const { open } = setup();
		open().rememberSubmitted('fp', '../result');
		expect(open().claimPending('fp')).toBeUndefined();
		expect(readStoredEntries({ [STATIC_DATA_FIELD]: { v: 1, entries: [{ f: 'fp', id: '..', s: 'p', t: 1 }, 'junk', { f: 'fp', id: 'ok', s: 'p', t: 1 }] } })).toEqual([
			{ f: 'fp', id: 'ok', s: 'p', t: 1 },
		]);
		expect(readStoredEntries({ [STATIC_DATA_FIELD]: 'junk' })).toEqual([]);
	});

	test('static data stays bounded: the newest entries are kept', () => {
		const { c, open } = setup();
		const staticData: Record<string, unknown> = {};
		const memory = open(staticData);
		for (let i = 0; i < MAX_STORED_ENTRIES + 50; i++) {
			c.t += 1;
			memory.rememberSubmitted(`fp${i}`, `id${i}`);
		}
		const stored = readStoredEntries(staticData);
		expect(stored).toHaveLength(MAX_STORED_ENTRIES);
		expect(stored.some((e) => e.id === `id${MAX_STORED_ENTRIES + 49}`)).toBe(true);
		expect(stored.some((e) => e.id === 'id0')).toBe(false);
		expect(JSON.stringify(staticData).length).toBeLessThan(MAX_STORED_ENTRIES * 120);
	});

	test('pruneEntries drops expired entries of each kind', () => {
		const now = 10 * DELIVERED_TTL_MS;
		const kept = pruneEntries(
			[
				{ f: 'a', id: 'p-old', s: 'p', t: now - PENDING_TTL_MS - 1 },
				{ f: 'a', id: 'p-new', s: 'p', t: now - 1 },
				{ f: 'a', id: 'd-old', s: 'd', t: 0, d: now - DELIVERED_TTL_MS - 1 },
				{ f: 'a', id: 'd-new', s: 'd', t: now - 2 * PENDING_TTL_MS, d: now - 1 },
			],
			now,
			10,
		);
		expect(kept.map((e) => e.id)).toEqual(['p-new', 'd-new']);
	});
});
