import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

describe('npm run sandbox (src/sandbox/main.ts)', () => {
  it('when started with a port, contacts and a token, then it prints the base URL and serves the seeded contacts', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/sandbox/main.ts', '--port', '0', '--contacts', '25', '--token', 'cli-token'],
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
      expect(((await response.json()) as { results: unknown[] }).results).toHaveLength(25);
    } finally {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    }
  });
});
