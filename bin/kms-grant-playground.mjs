#!/usr/bin/env node
// kms-grant-playground serve | export-test | --help (the code is lib/node.js, which npm run build:lib builds)
let main;
try {
  ({ main } = await import('../lib/node.js'));
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('lib/node.js')) throw e;
  process.stderr.write('kms-grant-playground: lib/ is not built in this checkout. Run npm run build:lib first.\n');
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
