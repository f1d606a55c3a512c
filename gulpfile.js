// What `n8n-node build` (npm run build) does not do. Its static-file step copies every .png/.svg of the checkout into
// dist/, e2e screenshots and demo output included; n8n loads only dist/nodes, dist/credentials and the icons.
const fs = require('node:fs');
const path = require('node:path');

/** Folders of dist/ the package ships: package.json's n8n.nodes / n8n.credentials and the icons they name. */
const SHIPPED = ['nodes', 'credentials', 'icons'];

function prune(done) {
	const dist = path.join(__dirname, 'dist');
	for (const entry of fs.existsSync(dist) ? fs.readdirSync(dist) : []) {
		if (!SHIPPED.includes(entry)) fs.rmSync(path.join(dist, entry), { recursive: true, force: true });
	}
	done();
}

exports['build:prune'] = prune;
