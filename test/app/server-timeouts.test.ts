/**
 * Slow clients, over raw TCP: a connection that announces a body it never sends, trickles its
 * body or its headers, or sits idle, is cut within seconds (the service's `SERVER_TIMEOUTS`), and
 * HubSpot's own requests are answered promptly meanwhile.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_TIMEOUTS } from '../../src/http/app.js';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import { PUBLIC, SECRET, type Stack, startStack } from '../service/helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** What a raw connection saw: the bytes the server sent, and when it closed (ms after connecting). */
interface Seen {
  received: string;
  closedAfterMs: number;
}

/**
 * Opens a TCP connection to the stack, sends `head`, then `trickle` one byte at a time every
 * `everyMs` (never finishing), until the server closes the connection or `giveUpMs` passes.
 */
function slowClient(
  s: Stack,
  options: { head: string; trickle?: string; everyMs?: number; giveUpMs?: number },
): Promise<Seen> {
  const port = Number(new URL(s.url).port);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ received, closedAfterMs: Date.now() - started });
    };
    const giveUp = setTimeout(done, options.giveUpMs ?? 20_000);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(options.head);
      const trickle = options.trickle ?? '';
      let i = 0;
      if (trickle)
        timer = setInterval(() => {
          if (!socket.destroyed) socket.write(trickle[i++ % trickle.length]!);
        }, options.everyMs ?? 100);
    });
  });
}

const post = (path: string, contentLength: number) =>
  `POST ${path} HTTP/1.1\r\nHost: lq.example.test\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;

describe('slow clients are cut within seconds', () => {
  it('when clients announce, trickle or idle, then each connection is closed within its deadline, and a signed webhook meanwhile is answered at once', async () => {
    stack = await startStack({ contacts: 1 });
    const s = stack;
    const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, checkIntervalMs } = SERVER_TIMEOUTS;

    const announced10Mb = slowClient(s, { head: `${post('/hubspot/webhooks', 10 * 1024 * 1024)}[` });
    const tricklingBody = slowClient(s, { head: post('/hubspot/webhooks', 500_000), trickle: '[{} ,' });
    const tricklingHeaders = slowClient(s, {
      head: 'POST /hubspot/webhooks HTTP/1.1\r\nHost: lq.example.test\r\n',
      trickle: 'X-Slow: aaaa\r\n',
    });
    const idleKeepAlive = slowClient(s, {
      head: 'GET /healthz HTTP/1.1\r\nHost: lq.example.test\r\nConnection: keep-alive\r\n\r\n',
    });

    // While those hold their connections, HubSpot's batch gets its answer at once.
    await new Promise((r) => setTimeout(r, 1_000));
    const body = JSON.stringify([
      stack.sandbox.events.creation({ objectId: stack.sandbox.data!.contacts[0]!.id }),
    ]);
    const headers = {
      ...hubSpotSignatureHeaders({
        clientSecret: SECRET,
        method: 'POST',
        uri: `${PUBLIC}/hubspot/webhooks`,
        rawBody: body,
        timestamp: Date.now(),
      }),
      'content-type': 'application/json',
    };
    const started = Date.now();
    const response = await fetch(`${s.url}/hubspot/webhooks`, { method: 'POST', body, headers });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);

    const [tooLarge, body500k, slowHeaders, idle] = await Promise.all([
      announced10Mb,
      tricklingBody,
      tricklingHeaders,
      idleKeepAlive,
    ]);
    const slack = checkIntervalMs + 1_000;

    // Refused at once (413) from its Content-Length, and closed: no waiting for 10 MB.
    expect(tooLarge.received).toMatch(/^HTTP\/1\.1 413 /);
    expect(tooLarge.received).toMatch(/\r\nconnection: close\r\n/i);
    expect(tooLarge.closedAfterMs).toBeLessThan(1_000);
    // A body trickled: cut at the request deadline (408), not minutes later.
    expect(body500k.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(body500k.closedAfterMs).toBeGreaterThanOrEqual(requestTimeoutMs - 100);
    expect(body500k.closedAfterMs).toBeLessThan(requestTimeoutMs + slack);
    // Headers trickled: cut at the headers deadline.
    expect(slowHeaders.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowHeaders.closedAfterMs).toBeLessThan(headersTimeoutMs + slack);
    // An idle kept-alive connection: answered, then closed after the keep-alive time.
    expect(idle.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(idle.closedAfterMs).toBeGreaterThanOrEqual(keepAliveTimeoutMs - 100);
    expect(idle.closedAfterMs).toBeLessThan(keepAliveTimeoutMs + slack);
  }, 30_000);
});
