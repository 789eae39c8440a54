import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@hubspot/api-client';
import express from 'express';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

/** Starts a sandbox on a free port; the caller closes it. */
export const startSandbox = (options: SandboxOptions = {}): Promise<Sandbox> => createSandbox(options);

/** The official SDK pointed at the sandbox. */
export const sdk = (
  sandbox: Sandbox,
  extra: { numberOfApiCallRetries?: number; accessToken?: string } = {},
): Client =>
  new Client({ accessToken: extra.accessToken ?? sandbox.accessToken, basePath: sandbox.baseUrl, ...extra });

/** A request the fake app received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  json: unknown;
}

/** A fake app endpoint that records raw requests and answers with `respond`. */
export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts a receiver on a free port; `respond` decides each answer (default 200 `{}`). */
export async function startReceiver(
  respond: (
    request: ReceivedRequest,
    index: number,
  ) =>
    | Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>
    | {
        status: number;
        body?: unknown;
        headers?: Record<string, string>;
      } = () => ({ status: 200, body: {} }),
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const app = express();
  app.use(express.raw({ type: '*/*', limit: '5mb' }));
  app.all('/{*path}', async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const request: ReceivedRequest = {
      method: req.method,
      url: req.originalUrl,
      headers: req.headers,
      rawBody,
      json: rawBody.length > 0 ? JSON.parse(rawBody.toString('utf8')) : undefined,
    };
    requests.push(request);
    const answer = await respond(request, requests.length - 1);
    res.status(answer.status).set(answer.headers ?? {});
    if (answer.body === undefined) res.end();
    else res.json(answer.body);
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Calls the sandbox with fetch and a bearer token. */
export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = sandbox.accessToken,
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Creates `count` contacts in-process and returns their ids. */
export function addContacts(
  sandbox: Sandbox,
  count: number,
  properties: (index: number) => Record<string, string> = (i) => ({ email: `person${i}@acme.example` }),
): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(sandbox.state.create('contacts', properties(i), { changeSource: 'IMPORT' }).id);
  }
  return ids;
}
