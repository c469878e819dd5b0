#!/usr/bin/env node
// The kg command: a thin launcher over the compiled CLI (npm install builds it via `prepare`).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
