/** Task error codes (data.code) and the text a failed task carries for each. */
export const TASK_ERROR_MESSAGES: Record<number, string> = {
	1200: 'Content moderation: the input or output was flagged',
	1400: 'Missing required parameter',
	1401: 'Invalid parameter',
	1402: 'Media URL not reachable',
	1403: 'Task execution failed',
	1405: 'Task execution failed (upstream model error)',
	5000: 'Internal server error',
	5003: 'Service temporarily unavailable',
	5004: 'Task timed out',
};

/** The error text for a task code, e.g. "Task execution failed (code 1403)". */
export const taskErrorMessage = (code: number): string =>
	`${TASK_ERROR_MESSAGES[code] ?? 'Task failed'} (code ${code})`;
