import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

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
});
