/**
 * A whole stack for component tests: the HubSpot sandbox, and the service on port 0 with its own
 * SQLite file, talking to each other over HTTP exactly as in production.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { CliIo } from '../../src/cli/io.js';
import type { Config } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { createService, type Service, type ServiceOptions } from '../../src/service.js';

export const SECRET = 'test-client-secret-0f3c';
/** The URL HubSpot "calls": what signatures are computed over (the service sits behind a proxy). */
export const PUBLIC = 'https://lq.example.test';

export interface Stack {
  sandbox: Sandbox;
  service: Service;
  /** The service's local URL. */
  url: string;
  portalId: string;
  close(): Promise<void>;
  /** Deliver webhook events the way HubSpot does, signed for the public URL. */
  deliver: (
    events: Parameters<Sandbox['sender']['deliver']>[0],
    options?: Partial<Parameters<Sandbox['sender']['deliver']>[1]>,
  ) => ReturnType<Sandbox['sender']['deliver']>;
  /** Execute a workflow action the way HubSpot does. */
  execute: (
    path: string,
    input: { contactId: string; inputFields?: Record<string, unknown>; callbackId?: string },
  ) => ReturnType<Sandbox['sender']['executeAction']>;
  /** HubSpot calls made since the last reset, by endpoint. */
  calls: (endpoint?: string) => number;
}

export interface StackOptions {
  contacts?: number;
  sandbox?: Partial<SandboxOptions>;
  service?: Partial<Omit<ServiceOptions, 'config'>>;
  env?: Record<string, string>;
  /** Reuse a database (to restart a service on the same data). */
  databaseUrl?: string;
  /** Serve this sandbox (another stack's, left open on close) instead of creating one. */
  sharedSandbox?: Sandbox;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const now = Date.now();
  const sandbox =
    options.sharedSandbox ??
    (await createSandbox({
      data: { contacts: options.contacts ?? 50, seed: 7, now },
      rateLimit: { perInterval: 190 },
      outbound: { sleep: async () => {} },
      ...options.sandbox,
    }));
  const dir = await mkdtemp(join(tmpdir(), 'lq-stack-'));
  const config: Config = loadConfig({
    HUBSPOT_ACCESS_TOKEN: sandbox.accessToken,
    HUBSPOT_CLIENT_SECRET: SECRET,
    HUBSPOT_BASE_URL: sandbox.baseUrl,
    PUBLIC_BASE_URL: PUBLIC,
    DATABASE_URL: options.databaseUrl ?? join(dir, 'lq.sqlite'),
    HUBSPOT_RATE_LIMIT: '190',
    HUBSPOT_RATE_HEADROOM: '1',
    HUBSPOT_APP_ID: String(sandbox.appId),
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const service = await createService({
    config,
    logger: createLogger({ level: 'silent' }),
    startWorker: false,
    gateway: { baseDelayMs: 2, maxRateLimitWaitMs: 50 },
    worker: { baseBackoffMs: 1, maxBackoffMs: 5 },
    ...options.service,
  });
  const port = await service.listen(0);
  const url = `http://127.0.0.1:${port}`;
  const portalId = String(sandbox.portalId);
  return {
    sandbox,
    service,
    url,
    portalId,
    async close() {
      await service.close();
      if (!options.sharedSandbox) await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
    deliver: (events, deliverOptions) =>
      sandbox.sender.deliver(events, {
        targetUrl: `${url}/hubspot/webhooks`,
        signedUrl: `${PUBLIC}/hubspot/webhooks`,
        clientSecret: SECRET,
        retryDelayMs: () => 1,
        ...deliverOptions,
      }),
    execute: (path, input) =>
      sandbox.sender.executeAction({
        actionUrl: `${url}${path}`,
        signedUrl: `${PUBLIC}${path}`,
        clientSecret: SECRET,
        origin: { portalId: sandbox.portalId, actionDefinitionId: 1, actionDefinitionVersion: 1 },
        object: { objectId: input.contactId, objectType: 'CONTACT' },
        inputFields: input.inputFields ?? {},
        ...(input.callbackId ? { callbackId: input.callbackId } : {}),
        retryDelayMs: () => 1,
      }),
    calls: (endpoint) => (endpoint ? sandbox.stats.count(endpoint) : sandbox.stats.snapshot().total),
  };
}

/**
 * A fresh PostgreSQL schema on TEST_DATABASE_URL for a stack's `databaseUrl` (the URL sets the
 * connections' search_path to it), and how to drop it; undefined when TEST_DATABASE_URL is unset.
 */
export async function freshPostgresDatabase(): Promise<
  { url: string; drop: () => Promise<void> } | undefined
> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return undefined;
  const schema = `lq_stack_${randomBytes(6).toString('hex')}`;
  const exec = async (statement: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await exec(`create schema "${schema}"`);
  const separator = base.includes('?') ? '&' : '?';
  return {
    url: `${base}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () => exec(`drop schema if exists "${schema}" cascade`),
  };
}

/** Rows of a read-only query on the stack's own database (SQLite file or PostgreSQL), bypassing the store. */
export async function queryStackDatabase<Row>(stack: Stack, query: string): Promise<Row[]> {
  const url = stack.service.config.DATABASE_URL ?? '';
  if (/^postgres(ql)?:\/\//.test(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(query)).rows as Row[];
    } finally {
      await client.end();
    }
  }
  const db = new SqliteDatabase(url, { readonly: true });
  try {
    return db.prepare(query).all() as Row[];
  } finally {
    db.close();
  }
}

/** A CLI's I/O caught in lines (stdout and stderr together), and its progress lines apart. */
export function captureCli(): CliIo & {
  lines: string[];
  progress: (line: string) => void;
  progressLines: string[];
} {
  const lines: string[] = [];
  const progressLines: string[] = [];
  return {
    lines,
    progressLines,
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    now: () => new Date(),
    progress: (l) => progressLines.push(l),
  };
}
