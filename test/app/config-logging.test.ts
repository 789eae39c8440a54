import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger, safeDatabaseUrl } from '../../src/logger.js';

const valid = {
  HUBSPOT_ACCESS_TOKEN: 'pat-na1-secret-token',
  HUBSPOT_CLIENT_SECRET: 'client-secret-value',
  PUBLIC_BASE_URL: 'https://lq.example.com/',
};

describe('configuration', () => {
  it('when the environment is complete, then defaults fill the rest', () => {
    expect(loadConfig(valid)).toMatchObject({
      HUBSPOT_BASE_URL: 'https://api.hubapi.com',
      PUBLIC_BASE_URL: 'https://lq.example.com',
      PORT: 3000,
      HUBSPOT_RATE_LIMIT: 100,
      HUBSPOT_RATE_HEADROOM: 0.9,
      LOG_LEVEL: 'info',
    });
  });

  it('when variables are missing or bad, then start-up stops naming each one, never echoing a secret', () => {
    let error: unknown;
    try {
      loadConfig({
        HUBSPOT_CLIENT_SECRET: 'topsecret',
        PUBLIC_BASE_URL: 'not a url',
        PORT: 'eighty',
        HUBSPOT_RATE_HEADROOM: '2',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect((error as ConfigError).problems).toEqual([
      "HUBSPOT_ACCESS_TOKEN is required (the private app's static access token)",
      'PUBLIC_BASE_URL must be a URL such as https://example.com',
      'PORT must be a number',
      'HUBSPOT_RATE_HEADROOM must be at most 1',
    ]);
    expect(message).not.toContain('topsecret');
  });
});

describe('logging', () => {
  it('redacts tokens, secrets, signatures and database credentials wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination: sink });
    logger.info(
      {
        accessToken: 'pat-na1-abc',
        config: { HUBSPOT_CLIENT_SECRET: 'shh', DATABASE_URL: 'postgres://u:pw@h/db' },
        req: { headers: { authorization: 'Bearer pat-na1-abc', 'x-hubspot-signature-v3': 'sig==' } },
      },
      'hello',
    );
    const text = lines.join('');
    for (const secret of ['pat-na1-abc', 'shh', 'pw@h', 'sig==']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(safeDatabaseUrl('postgres://lq:s3cret@db:5432/lq')).toBe('postgres://lq:***@db:5432/lq');
    expect(safeDatabaseUrl(undefined)).toBe('(default SQLite file)');
  });
});
