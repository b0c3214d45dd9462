#!/usr/bin/env node
// Runs the generator from its TypeScript source through tsx, so there is no build step between editing and running.
require('tsx/cjs');
const { main } = require('../src/generator/cli.ts');

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`apso: internal error: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(3);
  },
);
