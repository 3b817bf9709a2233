#!/usr/bin/env node
// Thin launcher: the CLI is compiled from bin/main.ts into dist/ by `npm install` (prepare script).
require('../dist/bin/main.js');
