// `npm run exam-server [-- --port N]`: the reference exam server on loopback until Ctrl-C.
import { parseArgs } from 'node:util';
import { startExamServer } from './exam-server';

const DEFAULT_PORT = 7000; // the seed's Flask API port

async function main(): Promise<void> {
  let port = DEFAULT_PORT;
  try {
    const { values } = parseArgs({ options: { port: { type: 'string', short: 'p' }, quiet: { type: 'boolean', short: 'q' } } });
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    }
    const server = await startExamServer({ port, log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`) }).catch(
      (error: NodeJS.ErrnoException) => {
        throw new Error(error.code === 'EADDRINUSE' ? `port ${port} is already in use; pick another with --port N` : error.message);
      },
    );
    console.log(`Vigil exam server listening on ${server.url}`);
    const shutdown = () => {
      void server.close().then(() => process.exit(0));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } catch (error) {
    console.error(`exam-server: ${(error as Error).message}\nusage: npm run exam-server [-- --port N] [--quiet]`);
    process.exitCode = 2;
  }
}

void main();
