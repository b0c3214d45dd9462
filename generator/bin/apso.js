#!/usr/bin/env node
// The `apso` command: the compiled generator (dist/, built by `npm run build` or on pack), no TypeScript loader at run time.
'use strict';
const { main } = require('../dist/cli.js');

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`apso: internal error: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(3);
  },
);
