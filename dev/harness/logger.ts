/** A Logger that drops everything: n8n logs debug noise on every load and run. */
import { Logger } from '@n8n/backend-common';
import type { Logger as WorkflowLogger } from 'n8n-workflow';

const silent: WorkflowLogger & { scoped(): unknown } = {
	error: () => {},
	warn: () => {},
	info: () => {},
	debug: () => {},
	scoped: () => silent,
};

/** Typed as n8n-core's Logger class, whose private fields a plain object cannot have. */
export const silentLogger = silent as unknown as Logger;
