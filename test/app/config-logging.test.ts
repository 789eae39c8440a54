import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger, resolveLogFormat, safeDatabaseUrl } from '../../src/logger.js';

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

describe('configuration: production and the ops endpoints', () => {
  it('when NODE_ENV=production and HUBSPOT_APP_ID is missing, then start-up stops naming it', () => {
    expect(() => loadConfig({ ...valid, NODE_ENV: 'production' })).toThrow(
      "HUBSPOT_APP_ID is required when NODE_ENV=production (the app's id: without it the app's own writes come back as webhook work)",
    );
    expect(() => loadConfig({ ...valid, NODE_ENV: 'production', HUBSPOT_APP_ID: '' })).toThrow(ConfigError);
    expect(loadConfig({ ...valid, NODE_ENV: 'production', HUBSPOT_APP_ID: '54321' }).HUBSPOT_APP_ID).toBe(
      '54321',
    );
  });

  it('when not in production, then HUBSPOT_APP_ID stays optional; when set, it must be the numeric id', () => {
    expect(loadConfig({ ...valid, NODE_ENV: 'development' }).HUBSPOT_APP_ID).toBeUndefined();
    expect(loadConfig({ ...valid, NODE_ENV: 'test', HUBSPOT_APP_ID: '' }).HUBSPOT_APP_ID).toBeUndefined();
    expect(() => loadConfig({ ...valid, HUBSPOT_APP_ID: 'my-app' })).toThrow(
      'HUBSPOT_APP_ID must be the numeric app id',
    );
  });

  it('when OPS_PORT or OPS_TOKEN are set, then they are checked', () => {
    const plain = loadConfig(valid);
    expect([plain.OPS_PORT, plain.OPS_TOKEN]).toEqual([undefined, undefined]);
    expect(loadConfig({ ...valid, OPS_PORT: '9100', OPS_TOKEN: 'a'.repeat(16) })).toMatchObject({
      OPS_PORT: 9100,
      OPS_TOKEN: 'a'.repeat(16),
    });
    let error: unknown;
    try {
      loadConfig({ ...valid, OPS_PORT: 'ops', OPS_TOKEN: 'short' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      'OPS_PORT must be a number',
      'OPS_TOKEN must be at least 16 characters',
    ]);
    expect((error as ConfigError).message).not.toContain('short');
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

  it('redacts upstream text in logged errors: emails, tokens and query strings from HubSpot or the database', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination: sink });
    const err = Object.assign(new Error('HTTP-Code: 400 Message: ann@acme.example is invalid'), {
      body: { message: 'see https://api.hubapi.com/x?hapikey=k-123', token: 'pat-na1-0123456789ab' },
      detail: 'Key (email)=(bob@acme.example) already exists',
    });
    logger.error(
      { err, error: 'Bearer abc.def failed for carol@acme.example', problem: 'dan@acme.example' },
      'x',
    );
    const text = lines.join('');
    for (const leak of ['ann@', 'bob@', 'carol@', 'dan@', 'hapikey=k-123', 'pat-na1-0123', 'abc.def'])
      expect(text).not.toContain(leak);
    expect(text).toContain('[email]');
    expect(text).toContain('https://api.hubapi.com/x?[redacted]');
  });
});

describe('log format', () => {
  it.each([
    [undefined, true, 'pretty'],
    [undefined, false, 'json'],
    [undefined, undefined, 'json'],
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
  ] as const)(
    'when LOG_FORMAT is %s and stdout is a TTY: %s, then logs are %s',
    (format, isTTY, expected) => {
      expect(resolveLogFormat(format, isTTY)).toBe(expected);
    },
  );

  it('when logs are pretty, then a line is readable text with its fields, and secrets are still redacted', () => {
    let text = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += String(chunk);
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination, format: 'pretty' });
    logger.info({ reqId: 'req-42', accessToken: 'pat-na1-secret-token' }, 'service listening');
    expect(text).toMatch(/INFO.*service listening/);
    expect(text).toContain('req-42');
    expect(text).not.toContain('pat-na1-secret-token');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('when LOG_FORMAT is not a known format, then start-up stops naming it', () => {
    expect(() => loadConfig({ ...valid, LOG_FORMAT: 'xml' })).toThrow(
      'LOG_FORMAT must be one of auto, json, pretty',
    );
  });
});
