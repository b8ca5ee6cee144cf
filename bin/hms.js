#!/usr/bin/env node
// The `hms` command: the built CLI in out/main/, the same bundle the desktop app ships.
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('hms: HMS Studio is not built yet: run `npm run build` (a few seconds), then try again\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
