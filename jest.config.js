/** One jest run, six kinds of test: pure logic, the dev tools' own logic, the emulator's contract, workflows through n8n-core, chaos and hostile input, the packed package. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.dev.json', diagnostics: false }];

const project = (name, extra = {}) => ({
	displayName: name,
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
	setupFiles: ['reflect-metadata'],
	...extra,
});

module.exports = {
	// Workflow and package tests load dist/: build it first when a source is newer (dev/ensureBuilt.js).
	globalSetup: '<rootDir>/dev/jestGlobalSetup.js',
	projects: [project('unit'), project('dev'), project('emulator'), project('workflows'), project('reliability'), project('package')],
	testTimeout: 60000,
	verbose: false,
};
