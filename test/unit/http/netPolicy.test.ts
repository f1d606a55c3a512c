import { isLocalHost, localTargetProblem } from '../../../nodes/shared/http/netPolicy';

describe('isLocalHost', () => {
	test.each([
		'localhost', '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
		'100.64.0.1', '0.0.0.0', '[::1]', '::1', '[fe80::1]', '[fd12:3456::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]',
		'printer.local', 'metadata.google.internal', 'api.localhost', '2130706433',
	])('%s is local', (host) => {
		expect(isLocalHost(host)).toBe(true);
	});

	test.each(['api.wavespeed.ai', 'd1q70pf5vjeyhc.cloudfront.net', '8.8.8.8', '172.32.0.1', '192.169.0.1', '[2606:4700::1111]', '100.128.0.1'])(
		'%s is public',
		(host) => {
			expect(isLocalHost(host)).toBe(false);
		},
	);
});

describe('localTargetProblem', () => {
	test('a public Base URL may not lead the node to local addresses', () => {
		expect(localTargetProblem('https://api.wavespeed.ai', 'http://169.254.169.254/latest/meta-data')).toMatch(/169\.254\.169\.254, a local or private address.*api\.wavespeed\.ai/);
		expect(localTargetProblem('https://api.wavespeed.ai', 'http://[::1]:8080/x.png')).toBeDefined();
		expect(localTargetProblem('https://api.wavespeed.ai', 'https://cdn.wavespeed.ai/x.png')).toBeUndefined();
	});

	test('a local Base URL (a gateway or the emulator) may use local addresses', () => {
		expect(localTargetProblem('http://127.0.0.1:9000', 'http://127.0.0.2:9001/outputs/x.png')).toBeUndefined();
		expect(localTargetProblem('https://gateway.internal', 'http://10.0.0.5/x.png')).toBeUndefined();
	});
});
