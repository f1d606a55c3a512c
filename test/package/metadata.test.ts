/** What npm and n8n's Creator portal read: one GitHub repository everywhere, the version released in the CHANGELOG, a README that works on npm. */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from './installLikeN8n';

interface Manifest {
	version: string;
	license: string;
	homepage: string;
	files: string[];
	author: { name: string; email: string; url: string };
	repository: { type: string; url: string };
	bugs: { url: string };
}

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const changelog = readFileSync(path.join(REPO_ROOT, 'CHANGELOG.md'), 'utf8');
const GITHUB = /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?$/;
const repo = manifest.repository.url.match(GITHUB);

/** Every markdown link and image target in the README, code blocks left out. */
const links = readme
	.replace(/```[\s\S]*?```/g, '')
	.match(/\]\(([^)\s]+)\)/g)!
	.map((link) => link.slice(2, -1));

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchors = new Set(
	[...readme.matchAll(/^#{1,6} (.+)$/gm)].map(([, title]) => title.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')),
);

describe('package metadata', () => {
	it('repository, homepage, bugs and author name one GitHub repository and its owner', () => {
		expect(repo).not.toBeNull();
		const [, owner, name] = repo!;
		expect(`${owner}/${name}`).toBe('n8n-nodes-gpt-image-2/n8n-nodes-gpt-image-2');
		const base = `https://github.com/${owner}/${name}`;
		expect(manifest.homepage).toBe(`${base}#readme`);
		expect(manifest.bugs.url).toBe(`${base}/issues`);
		expect(manifest.author.url).toBe(`https://github.com/${owner}`);
		expect(readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8')).toContain(manifest.author.name);
		expect(manifest.license).toBe('MIT');
	});

	it("the version is the CHANGELOG's newest release, with [Unreleased] above it", () => {
		const sections = [...changelog.matchAll(/^## \[([^\]]+)\](.*)$/gm)].map(([, name, rest]) => ({ name, rest }));
		expect(sections[0].name).toBe('Unreleased');
		expect(sections[1].name).toBe(manifest.version);
		expect(sections[1].rest).toMatch(/^ - \d{4}-\d{2}-\d{2}$/);
	});

	it('ships dist/ and the CHANGELOG (npm adds README and LICENSE)', () => {
		expect(manifest.files).toEqual(['dist', 'CHANGELOG.md']);
	});

	it('README links work on the npm page: absolute, into files of this repository, or to its own headings', () => {
		const [, owner, name] = repo!;
		const inRepo = new RegExp(`^https://(?:github\\.com/${owner}/${name}/(?:blob|tree)|raw\\.githubusercontent\\.com/${owner}/${name})/main/(.+)$`);
		for (const link of links) {
			if (link.startsWith('#')) {
				expect({ link, known: anchors.has(link.slice(1)) }).toEqual({ link, known: true });
				continue;
			}
			expect(link).toMatch(/^https:\/\//);
			const file = link.match(inRepo)?.[1];
			if (file) expect({ link, exists: existsSync(path.join(REPO_ROOT, file)) }).toEqual({ link, exists: true });
		}
		expect(links.filter((link) => inRepo.test(link)).length).toBeGreaterThan(0);
	});
});
