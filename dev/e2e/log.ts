/** Progress lines: every step says what it does, and long steps keep saying that they are still at it. */
const started = Date.now();

const clock = (): string => {
	const s = Math.round((Date.now() - started) / 1000);
	return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

export const step = (text: string): void => console.log(`\n[e2e ${clock()}] == ${text}`);
export const info = (text: string): void => console.log(`[e2e ${clock()}]    ${text}`);

/** Runs `work`, printing `still <doing> (<status>)` every `everyMs` until it settles. */
export async function withHeartbeat<T>(doing: string, work: Promise<T>, status: () => string = () => '', everyMs = 30_000): Promise<T> {
	const t0 = Date.now();
	const timer = setInterval(() => {
		const extra = status();
		info(`still ${doing}: ${Math.round((Date.now() - t0) / 1000)} s${extra ? `, ${extra}` : ''}`);
	}, everyMs);
	try {
		return await work;
	} finally {
		clearInterval(timer);
	}
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
