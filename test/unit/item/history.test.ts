import { morePages, pageSizeFor } from '../../../nodes/shared/item/history';

describe('pageSizeFor', () => {
	test('the wanted count, up to the seller\'s largest page, at least 1', () => {
		expect(pageSizeFor(7, 100)).toBe(7);
		expect(pageSizeFor(5000, 100)).toBe(100);
		expect(pageSizeFor(0, 100)).toBe(1);
	});
});

describe('morePages', () => {
	const full = { kept: 100, read: 100, lastPageCount: 100, pageSize: 100, max: 5000 };
	test('a full page without a total: read on', () => expect(morePages(full)).toBe(true));
	test('a short page is the last', () => expect(morePages({ ...full, lastPageCount: 3 })).toBe(false));
	test('the seller\'s total reached', () => expect(morePages({ ...full, total: 100 })).toBe(false));
	test('enough kept', () => expect(morePages({ ...full, max: 100 })).toBe(false));
});
