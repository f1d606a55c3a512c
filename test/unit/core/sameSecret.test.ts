/** The secret comparison tells nothing about the secret's length (issue 20, item 20). */
import crypto from 'crypto';

import { sameSecret } from '../../../nodes/shared/core/sameSecret';

afterEach(() => jest.restoreAllMocks());

test('equal texts match, different ones (any length) and an empty secret do not', () => {
	expect(sameSecret('each-secret-1234', 'each-secret-1234')).toBe(true);
	expect(sameSecret('each-secret-1234', 'each-secret-1235')).toBe(false);
	expect(sameSecret('each-secret-1234', 'each-secret-12345')).toBe(false);
	expect(sameSecret('each-secret-1234', 'x')).toBe(false);
	expect(sameSecret('', '')).toBe(false);
});

test('a guess of another length is compared in constant time like any other (fixed-length digests)', () => {
	const compare = jest.spyOn(crypto, 'timingSafeEqual');
	for (const guess of ['x', 'each-secret-123', 'each-secret-1234-and-more-text']) sameSecret('each-secret-1234', guess);
	expect(compare).toHaveBeenCalledTimes(3);
	for (const [a, b] of compare.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
});
