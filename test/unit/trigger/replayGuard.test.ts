/** The trigger's replay memory: a delivery is admitted once inside its window, and the memory stays bounded. */
import { ReplayGuard } from '../../../nodes/shared/trigger/replayGuard';

describe('ReplayGuard', () => {
	it('admits a key once inside its window, again after it', () => {
		const guard = new ReplayGuard();
		expect(guard.admit('a', 1000, 0)).toBe(true);
		expect(guard.admit('a', 1000, 999)).toBe(false);
		expect(guard.admit('b', 1000, 999)).toBe(true);
		expect(guard.admit('a', 1000, 1000)).toBe(true);
	});

	it('forgets expired keys and stays bounded under a flood', () => {
		const guard = new ReplayGuard(3);
		for (let i = 0; i < 10; i++) guard.admit(`k${i}`, 1000, i);
		expect(guard.size).toBe(3);
		guard.admit('late', 1000, 5000);
		expect(guard.size).toBe(1);
	});
});
