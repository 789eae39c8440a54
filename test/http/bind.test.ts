import { describe, expect, it } from 'vitest';
import { bindServer, PortInUseError } from '../../src/http/bind.js';

describe('binding the port before start-up', () => {
  it('when the app is not attached yet, then requests get 503 "starting" with Retry-After; once attached, the app answers', async () => {
    const bound = await bindServer(0, 'PORT');
    try {
      const early = await fetch(`http://127.0.0.1:${bound.port}/healthz`);
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('5');
      expect(await early.json()).toMatchObject({ error: 'starting' });
      bound.serve((_req, res) => res.end('ready'));
      expect(await (await fetch(`http://127.0.0.1:${bound.port}/healthz`)).text()).toBe('ready');
    } finally {
      await bound.close();
    }
  });

  it('when the port is taken, then the error names the port and the setting to change', async () => {
    const first = await bindServer(0, 'PORT');
    try {
      const second = bindServer(first.port, 'OPS_PORT');
      await expect(second).rejects.toBeInstanceOf(PortInUseError);
      await expect(second).rejects.toThrow(
        `port ${first.port} is in use; set OPS_PORT to a free port, or stop what listens on ${first.port}`,
      );
    } finally {
      await first.close();
    }
  });
});
