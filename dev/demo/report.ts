/** The demo's closing table, and the check that each written file is the image its JSON describes. */
import sharp from 'sharp';

export interface ReportRow {
	example: string;
	item: string;
	id: string;
	status: string;
	seconds: number;
	file: string;
}

/** 'ok' when the file decodes as PNG or JPEG at the size the node reported. */
export async function checkImageFile(file: string, expected?: { width: number; height: number }): Promise<string> {
	try {
		const meta = await sharp(file).metadata();
		if (meta.format !== 'png' && meta.format !== 'jpeg') return `not a PNG/JPEG (${meta.format})`;
		if (expected && (meta.width !== expected.width || meta.height !== expected.height)) {
			return `size ${meta.width}x${meta.height}, expected ${expected.width}x${expected.height}`;
		}
		return 'ok';
	} catch (error) {
		return `unreadable: ${(error as Error).message}`;
	}
}

export function printTable(rows: ReportRow[]): void {
	const header = ['example', 'item', 'prediction id', 'status', 'seconds', 'file'];
	const cells = rows.map((r) => [r.example, r.item, r.id, r.status, r.seconds.toFixed(1), r.file]);
	const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
	const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ');
	console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
	for (const c of cells) console.log(line(c));
}
