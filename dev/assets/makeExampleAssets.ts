/** Draws the example input photos (our own, no third-party images) into examples/assets. Run once; output is committed. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const OUT = join(__dirname, '..', '..', 'examples', 'assets');

const studio = (w: number, h: number, inner: string) => `
<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
  <defs>
    <radialGradient id="bg" cx="50%" cy="40%" r="75%"><stop offset="0" stop-color="#fbfbf8"/><stop offset="1" stop-color="#d9d6cf"/></radialGradient>
    <radialGradient id="shadow" cx="50%" cy="50%" r="50%"><stop offset="0" stop-color="#000" stop-opacity="0.35"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>
  </defs>
  <rect width="${w}" height="${h}" fill="url(#bg)"/>
  ${inner}
</svg>`;

const sneaker = studio(768, 768, `
  <ellipse cx="384" cy="560" rx="300" ry="40" fill="url(#shadow)"/>
  <path d="M110 520 C110 450 150 430 210 420 L330 300 C360 270 400 270 420 300 L470 380 C520 400 600 410 660 440 C700 460 700 520 680 530 Z" fill="#d7263d"/>
  <path d="M100 520 L690 520 C700 540 690 560 670 565 L120 565 C100 560 95 540 100 520 Z" fill="#f5f5f5" stroke="#bbb" stroke-width="3"/>
  <path d="M300 330 L360 400 M330 310 L395 385 M360 295 L425 370" stroke="#fff" stroke-width="10" stroke-linecap="round"/>
  <circle cx="230" cy="450" r="14" fill="#fff"/>
  <path d="M470 380 C520 420 600 430 660 450" stroke="#8c1020" stroke-width="8" fill="none"/>`);

const mug = studio(768, 768, `
  <ellipse cx="384" cy="600" rx="220" ry="34" fill="url(#shadow)"/>
  <path d="M590 330 C680 330 680 500 590 500" stroke="#1d4e89" stroke-width="34" fill="none"/>
  <rect x="200" y="250" width="400" height="350" rx="40" fill="#1d4e89"/>
  <ellipse cx="400" cy="252" rx="200" ry="36" fill="#163b68"/>
  <ellipse cx="400" cy="252" rx="176" ry="26" fill="#4a2c1a"/>
  <rect x="250" y="360" width="300" height="90" rx="12" fill="#f2c14e"/>
  <text x="400" y="420" font-family="DejaVu Sans" font-size="44" font-weight="bold" text-anchor="middle" fill="#1d4e89">MORNING</text>`);

const bottle = studio(768, 1024, `
  <ellipse cx="384" cy="900" rx="170" ry="30" fill="url(#shadow)"/>
  <rect x="344" y="120" width="80" height="90" rx="10" fill="#2d2d2d"/>
  <path d="M344 210 L424 210 L424 280 C520 320 540 380 540 440 L540 860 C540 885 520 900 495 900 L273 900 C248 900 228 885 228 860 L228 440 C228 380 248 320 344 280 Z" fill="#2e8b57"/>
  <rect x="228" y="520" width="312" height="220" fill="#f4efe6"/>
  <text x="384" y="620" font-family="DejaVu Serif" font-size="46" text-anchor="middle" fill="#2e8b57">OLIVE</text>
  <text x="384" y="680" font-family="DejaVu Sans" font-size="26" text-anchor="middle" fill="#555">extra virgin · 500 ml</text>
  <path d="M260 300 C250 420 250 700 262 860" stroke="#fff" stroke-opacity="0.35" stroke-width="14" fill="none"/>`);

const scene = `
<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="683" viewBox="0 0 1024 683">
  <defs>
    <linearGradient id="wall" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f3e3c3"/><stop offset="1" stop-color="#d8b98a"/></linearGradient>
    <linearGradient id="counter" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f7f7f5"/><stop offset="1" stop-color="#dcdcd8"/></linearGradient>
  </defs>
  <rect width="1024" height="420" fill="url(#wall)"/>
  <rect x="700" y="40" width="260" height="300" fill="#fff8e8" stroke="#c9a66b" stroke-width="8"/>
  <path d="M700 190 L960 190 M830 40 L830 340" stroke="#c9a66b" stroke-width="6"/>
  <rect y="420" width="1024" height="263" fill="url(#counter)"/>
  <path d="M0 470 C200 450 300 520 520 480 S860 520 1024 470" stroke="#b9b9b9" stroke-width="3" fill="none"/>
  <path d="M0 560 C160 540 380 600 600 560 S900 610 1024 580" stroke="#c7c7c7" stroke-width="2" fill="none"/>
  <path d="M120 683 C200 600 330 640 420 600" stroke="#bdbdbd" stroke-width="2" fill="none"/>
  <rect y="414" width="1024" height="10" fill="#c4c4c0"/>
  <circle cx="140" cy="360" r="48" fill="#6b8e23"/><rect x="120" y="360" width="40" height="60" fill="#8b5a2b"/>
</svg>`;

async function main(): Promise<void> {
	const jpeg = async (svg: string, file: string) => {
		const bytes = await sharp(Buffer.from(svg)).jpeg({ quality: 82, mozjpeg: true }).toBuffer();
		writeFileSync(join(OUT, file), bytes);
		console.log(`${file}: ${bytes.length} bytes`);
	};
	await jpeg(sneaker, 'sneaker.jpg');
	await jpeg(mug, 'mug.jpg');
	await jpeg(bottle, 'bottle.jpg');
	await jpeg(scene, 'marble-kitchen.jpg');
	writeFileSync(
		join(OUT, 'products.csv'),
		[
			'sku,file,prompt,aspect_ratio',
			'SNK-001,sneaker.jpg,"Place the sneaker on a white marble counter, soft morning light",3:2',
			'MUG-014,mug.jpg,"Put the mug on a rustic wooden table next to a window, warm light",4:5',
			'OIL-500,bottle.jpg,"Show the bottle in a Mediterranean kitchen with lemons and basil",2:3',
		].join('\n') + '\n',
	);
	console.log('products.csv written');
}

void main();
