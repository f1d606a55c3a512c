// test/ is never published: plain ESLint + typescript-eslint with jest's globals (dev/lint/eslint.tooling.mjs).
import { toolingConfig } from '../dev/lint/eslint.tooling.mjs';

export default toolingConfig({ root: import.meta.dirname, jest: true });
