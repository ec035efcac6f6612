/**
 * The developer console: `npm run console` (and `npm start`, which prints its URL). Settings from the environment:
 *   CONSOLE_HOST   address to listen on (default 127.0.0.1: this machine only, no token asked); any other address
 *                  requires a store-role access token on every API call (AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE
 *                  as the services have them)
 *   CONSOLE_PORT   port (default: 8090, or the next free one up to 8109)
 *   KAFKA_BROKERS  the bus (default 127.0.0.1:9092)
 */
import { driverFromEnv } from '@homestore/messaging';
import { ConsoleAccess } from './access';
import { startConsole } from './server';

const FIRST_PORT = 8090;
const TRIES = 20;

async function main(): Promise<void> {
  const host = process.env.CONSOLE_HOST || '127.0.0.1';
  const fixed = process.env.CONSOLE_PORT;
  if (fixed !== undefined && !/^\d{1,5}$/.test(fixed)) throw new Error(`CONSOLE_PORT must be a port number, not ${fixed}`);
  const options = { driver: driverFromEnv('homestore-console'), access: ConsoleAccess.forHost(host) };
  const ports = fixed ? [Number(fixed)] : Array.from({ length: TRIES }, (_, i) => FIRST_PORT + i);
  for (const port of ports) {
    try {
      const { server, url } = await startConsole(options, host, port);
      console.log(`developer console on ${url}${options.access.needsToken ? ' (store-role bearer token required)' : ''}`);
      const stop = () => {
        server.close(() => process.exit(0));
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === ports[ports.length - 1]) throw e;
    }
  }
}

main().catch((e) => {
  process.stderr.write(`console failed: ${(e as Error).message}\n`);
  process.exit(1);
});
