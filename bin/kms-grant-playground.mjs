#!/usr/bin/env node
// kms-grant-playground serve | export-test | --help (see lib/node.js; npm run build:lib builds it)
import { main } from '../lib/node.js';

process.exitCode = await main(process.argv.slice(2));
