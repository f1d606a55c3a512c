/** The harness's public types: what tests, the demo and the bench pass in and get back. */
import type {
	IBinaryData,
	IDataObject,
	ICredentialDataDecryptedObject,
	IConnections,
	INode,
	INodeExecutionData,
	IPinData,
	IRun,
	IWorkflowSettings,
} from 'n8n-workflow';

/** 'default' keeps binaries base64 in memory; 'filesystem' stores them on disk with an id, like N8N_DEFAULT_BINARY_DATA_MODE=filesystem. */
export type BinaryMode = 'default' | 'filesystem';

export interface HarnessOptions {
	/** Decrypted credential data by credential type, e.g. `{ waveSpeedApi: { apiKey, baseUrl } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	binaryMode?: BinaryMode;
}

/** A workflow as n8n exports it (the fields the engine needs). */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
	/** The workflow's static data as n8n stores it; the object is updated in place by the run (as n8n saves it after production runs). */
	staticData?: IDataObject;
}

export interface RunError {
	message: string;
	description?: string;
	node?: string;
	httpCode?: string;
	context?: unknown;
	raw: unknown;
}

export interface RunResult {
	status: 'success' | 'error' | 'canceled' | string;
	error?: RunError;
	run: IRun;
	/** Items of that node's run (last run by default). */
	output(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The error recorded on that node's last task data, if any. */
	nodeError(nodeName: string): unknown;
	/** Bytes of a binary, whether it is id-backed (filesystem mode) or base64 (default mode). */
	readBinary(binary: IBinaryData): Promise<Buffer>;
	/** Names of the nodes that ran, in order of first execution. */
	executedNodes(): string[];
}

export interface WorkflowRun {
	/** Settles as soon as n8n reports the run finished (at once when cancelled, like the editor). */
	promise: Promise<RunResult>;
	/** Settles when the engine loop has really returned, e.g. after a cancelled node finished unwinding. */
	finished: Promise<void>;
	/** Stops the run like a user pressing Stop: nodes see getExecutionCancelSignal() abort. */
	cancel(): void;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}
