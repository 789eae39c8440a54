import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { verifyHubSpotSignature } from '../../src/hubspot/signature.js';
import { startReceiver } from './helpers.js';

const ROOT = new URL('../..', import.meta.url);

/** Runs `src/sandbox/main.ts` with `args`; resolves with what it printed once `until` matches it. */
function runSandbox(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('npm run sandbox (src/sandbox/main.ts)', () => {
  it('when started with a port, contacts, a token and its scopes, then it prints the base URL, serves the seeded contacts and refuses what the scopes do not cover', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/sandbox/main.ts',
        '--port',
        '0',
        '--contacts',
        '25',
        '--token',
        'cli-token',
        '--scopes',
        'crm.objects.contacts.read',
        '--lifecycle-backward',
        'ignore',
      ],
      { cwd: new URL('../..', import.meta.url), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let output = '';
      const baseUrl = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      expect(output).toContain('HUBSPOT_ACCESS_TOKEN=cli-token');
      const response = await fetch(`${baseUrl}/crm/v3/objects/contacts?limit=100`, {
        headers: { Authorization: 'Bearer cli-token' },
      });
      const { results } = (await response.json()) as { results: { id: string }[] };
      expect(results).toHaveLength(25);
      const write = await fetch(`${baseUrl}/crm/v3/objects/contacts/${results[0]!.id}`, {
        method: 'PATCH',
        headers: { Authorization: 'Bearer cli-token', 'Content-Type': 'application/json' },
        body: JSON.stringify({ properties: { jobtitle: 'CTO' } }),
      });
      expect(write.status).toBe(403);
      expect(await write.json()).toMatchObject({ category: 'MISSING_SCOPES' });
    } finally {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    }
  });

  it('when an option value is bad, then it exits 2 with one line naming the option, then the usage', async () => {
    const run = runSandbox(['--contacts', 'abc']);
    expect(await run.exited).toBe(2);
    const [first, ...rest] = run.stderr().split('\n');
    expect(first).toBe('sandbox: --contacts must be a whole number (0 or more), got "abc"');
    expect(rest[0]).toMatch(/^Usage: npm run sandbox/);
    expect(run.stdout()).toBe('');
  });

  it('when given --target and --client-secret, then it prints the portal and app ids and sends the service signed webhooks and workflow actions', async () => {
    const secret = 'playground-secret';
    const receiver = await startReceiver((request) => {
      if (request.url === '/healthz') return { status: 200, body: { status: 'ok' } };
      if (request.url === '/hubspot/actions/signal-options')
        return { status: 200, body: { options: [{ label: 'Demo requested', value: 'demo_requested' }] } };
      if (request.url === '/hubspot/actions/record-signal')
        return { status: 200, body: { outputFields: { hs_execution_state: 'SUCCESS' } } };
      return { status: 200, body: {} };
    });
    const run = runSandbox(
      [
        '--port',
        '0',
        '--contacts',
        '40',
        '--portal-id',
        '777',
        '--target',
        receiver.url,
        '--public-url',
        'https://lq.example.test',
      ],
      { HUBSPOT_CLIENT_SECRET: secret },
    );
    try {
      const deadline = Date.now() + 30_000;
      // The history is sent once its 40 creation events have been delivered (they are flushed
      // every half second, so after the workflow actions' log line, perhaps).
      const creations = () =>
        receiver.requests
          .filter((r) => r.url === '/hubspot/webhooks')
          .flatMap((r) => r.json as { subscriptionType: string }[])
          .filter((e) => e.subscriptionType === 'contact.creation').length;
      while (!run.stdout().includes('playground: history sent') || creations() < 40) {
        if (Date.now() > deadline) throw new Error(`no history: ${run.stdout()} ${run.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(run.stdout()).toContain('  portal id 777 ');
      expect(run.stdout()).toMatch(/ {2}HUBSPOT_APP_ID=\d+\n/);
      const webhooks = receiver.requests.filter((r) => r.url === '/hubspot/webhooks');
      const signals = receiver.requests.filter((r) => r.url === '/hubspot/actions/record-signal');
      expect(webhooks.length).toBeGreaterThan(0);
      expect(signals.length).toBeGreaterThan(0);
      for (const request of [...webhooks, ...signals]) {
        const verdict = verifyHubSpotSignature({
          method: 'POST',
          url: `https://lq.example.test${request.url}`,
          rawBody: request.rawBody,
          headers: request.headers,
          clientSecret: secret,
          now: Date.now(),
        });
        expect(verdict).toMatchObject({ ok: true, version: 'v3' });
      }
      // HubSpot's batch shape: a JSON array of events of this portal; only the offered signal type.
      const events = webhooks.flatMap((r) => r.json as { portalId: number; subscriptionType: string }[]);
      expect(events.filter((e) => e.subscriptionType === 'contact.creation')).toHaveLength(40);
      expect(new Set(events.map((e) => e.portalId))).toEqual(new Set([777]));
      expect(
        new Set(
          signals.map((r) => (r.json as { inputFields: { signal_type: string } }).inputFields.signal_type),
        ),
      ).toEqual(new Set(['demo_requested']));
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      await receiver.close();
    }
  });
});
