/**
 * Binding a port before anything else starts. The service takes its port first and only then
 * opens the store, asks HubSpot for its portal and sets the portal up, so a taken port is one line
 * ("port 3000 is in use; set PORT …") and not a set-up followed by a failure. Until the app is
 * attached, requests get 503 with Retry-After (HubSpot retries webhooks and actions on a 5xx).
 */
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer, type ServerTimeouts } from './app.js';

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    /** The setting that chose the port: `PORT` or `OPS_PORT`. */
    readonly variable: string,
  ) {
    super(`port ${port} is in use; set ${variable} to a free port, or stop what listens on ${port}`);
    this.name = 'PortInUseError';
  }
}

export interface BoundServer {
  server: Server;
  /** The port bound (the one asked for, or the free one chosen for 0). */
  port: number;
  /** Starts answering with `app` (until then: 503 "starting"). */
  serve(app: RequestListener): void;
  close(): Promise<void>;
}

const starting: RequestListener = (_req, res) => {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5', connection: 'close' });
  res.end(JSON.stringify({ error: 'starting', message: 'The service is starting; try again shortly.' }));
};

/** Listens on `port`; a taken port (or one not allowed) is a PortInUseError naming `variable`. */
export async function bindServer(
  port: number,
  variable: string,
  timeouts?: Partial<ServerTimeouts>,
): Promise<BoundServer> {
  let handler: RequestListener = starting;
  const server = createHttpServer((req, res) => handler(req, res), timeouts);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(port, variable)
          : error.code === 'EACCES'
            ? new Error(
                `port ${port} needs privileges this process does not have; set ${variable} to 1024 or more`,
              )
            : error,
      );
    };
    server.once('error', onError);
    server.listen(port, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    serve(app) {
      handler = app;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
