// Copies icons and the nodes' codex files (.node.json) into dist, next to the compiled files that use them.
const { src, dest } = require('gulp');

function buildIcons() {
	return src(['icons/*.svg', 'nodes/**/*.svg', 'nodes/**/*.node.json', 'credentials/**/*.svg'], { base: '.', encoding: false }).pipe(dest('dist'));
}

exports['build:icons'] = buildIcons;
