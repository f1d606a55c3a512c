// dev/ is never published: plain ESLint + typescript-eslint (dev/lint/eslint.tooling.mjs), not the node rules.
import { toolingConfig } from './lint/eslint.tooling.mjs';

export default toolingConfig({ root: import.meta.dirname });
