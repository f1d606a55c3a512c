// Copies node and credential icons into dist, next to the compiled files that reference them.
const { src, dest } = require('gulp');

function buildIcons() {
	return src(['icons/*.svg', 'nodes/**/*.svg', 'credentials/**/*.svg'], { base: '.', encoding: false }).pipe(dest('dist'));
}

exports['build:icons'] = buildIcons;
