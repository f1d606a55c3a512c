// jest's globalSetup: rebuild dist/ when a source changed, so `npx jest test/workflows` never tests an old build.
module.exports = async () => {
	require('./ensureBuilt').ensureBuilt();
};
