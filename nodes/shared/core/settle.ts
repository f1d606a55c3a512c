/** A promise's result as a value: lets code decide what to do with a failure without catch-and-rethrow. */

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
	return await promise.then(
		(value): Outcome<T> => ({ ok: true, value }),
		(error: unknown): Outcome<T> => ({ ok: false, error }),
	);
}

export function settleSync<T>(run: () => T): Outcome<T> {
	try {
		return { ok: true, value: run() };
	} catch (error) {
		return { ok: false, error };
	}
}
