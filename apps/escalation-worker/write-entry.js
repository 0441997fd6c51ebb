// Writes dist/main.js, the worker's entry point, after `tsc` (whose output mirrors the repository
// because the worker compiles the API sources it imports): `node apps/escalation-worker/dist/main.js`.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
writeFileSync(join(__dirname, 'dist', 'main.js'), "require('./apps/escalation-worker/src/main.js').start();\n");
