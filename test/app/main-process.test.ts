import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sandbox: Sandbox | undefined;
let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  sandbox = undefined;
  child = undefined;
  dir = undefined;
});

/** Starts `src/main.ts` as `npm start` would (from source) and collects its JSON log lines. */
function startService(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, logs, stderr: () => stderr, exited };
}

async function until<T>(check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start (src/main.ts)', () => {
  it('starts against the sandbox, sets up the portal, serves health and metrics, and stops cleanly on SIGTERM', async () => {
    sandbox = await createSandbox({ data: { contacts: 3, seed: 1 } });
    dir = await mkdtemp(join(tmpdir(), 'lq-main-'));
    const service = startService({
      HUBSPOT_ACCESS_TOKEN: sandbox.accessToken,
      HUBSPOT_CLIENT_SECRET: 'main-test-secret',
      HUBSPOT_BASE_URL: sandbox.baseUrl,
      PUBLIC_BASE_URL: 'https://lq.example.test',
      DATABASE_URL: join(dir, 'lq.sqlite'),
      PORT: '0',
    });
    child = service.proc;
    const listening = await until(() => service.logs.find((l) => l.msg === 'service listening'));
    const port = listening.port as number;
    expect(service.logs.find((l) => l.msg === 'portal set up')).toMatchObject({
      created: expect.arrayContaining(['lq_fit_score', 'lq_explanation']),
    });

    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('# TYPE lq_webhook_events_received_total counter');
    expect(metrics).toContain('lq_queue_depth{state="pending"} 0');

    // No secret ever reaches the logs.
    const logText = JSON.stringify(service.logs);
    expect(logText).not.toContain(sandbox.accessToken);
    expect(logText).not.toContain('main-test-secret');

    service.proc.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.logs.some((l) => l.msg === 'stopped')).toBe(true);
  });

  it('when a variable is missing, then it refuses to start and names it', async () => {
    const service = startService({
      HUBSPOT_ACCESS_TOKEN: '',
      HUBSPOT_CLIENT_SECRET: 's',
      PUBLIC_BASE_URL: 'https://x.example',
    });
    child = service.proc;
    expect(await service.exited).toBe(1);
    expect(service.stderr()).toContain(
      "HUBSPOT_ACCESS_TOKEN is required (the private app's static access token)",
    );
  });
});
