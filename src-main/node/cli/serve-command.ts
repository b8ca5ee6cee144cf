/** `hms serve [--port P] [--data-dir D]`: the UI in a browser, on 127.0.0.1 with a token. */
import { createService } from '../backend/service';
import { startWebHost } from '../backend/web-host';
import { stringOption, wholeNumberOption } from './args';
import type { Command } from './command';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the app to a browser on 127.0.0.1 (prints an address with an access token)',
  usage: 'hms serve [--port P] [--data-dir D]   (D: where the app keeps what it makes; ~/.hms-studio by default)',
  options: { port: { values: 1 }, 'data-dir': { values: 1 } },
  async run(args, io) {
    const dataDir = stringOption(args, 'data-dir');
    const host = await startWebHost({ service: (emit) => createService({ dataDir, emit }), port: wholeNumberOption(args, 'port', { min: 0, max: 65535 }, 0) });
    io.out(`HMS Studio is at ${host.url}`);
    io.out('Only this machine can connect; the address carries the access token. Ctrl-C stops.');
    await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
    await host.close();
    return 0;
  },
};
