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

/** Input and output side by side, labelled, for the README and for a quick look. */
export async function writeBeforeAfter(before: string, after: string, target: string): Promise<void> {
	const height = 420;
	const tile = async (file: string, label: string) => {
		const image = await sharp(file).resize({ height, width: height, fit: 'contain', background: '#ffffff' }).toBuffer();
		const caption = Buffer.from(
			`<svg xmlns="http://www.w3.org/2000/svg" width="${height}" height="44"><rect width="100%" height="100%" fill="#1f2a44"/><text x="16" y="29" font-family="DejaVu Sans" font-size="20" fill="#fff">${label}</text></svg>`,
		);
		return await sharp({ create: { width: height, height: height + 44, channels: 3, background: '#ffffff' } })
			.composite([{ input: image, top: 0, left: 0 }, { input: caption, top: height, left: 0 }])
			.png()
			.toBuffer();
	};
	const [left, right] = await Promise.all([tile(before, 'Before: examples/assets/sneaker.jpg'), tile(after, 'After: GPT Image 2 Edit')]);
	await sharp({ create: { width: height * 2 + 12, height: height + 44, channels: 3, background: '#ffffff' } })
		.composite([{ input: left, top: 0, left: 0 }, { input: right, top: 0, left: height + 12 }])
		.jpeg({ quality: 85 })
		.toFile(target);
}
