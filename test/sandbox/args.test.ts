import { describe, expect, it } from 'vitest';
import { parseSandboxArgs, SandboxArgsError } from '../../src/sandbox/args.js';

const problem = (argv: string[], env: Record<string, string> = {}): string => {
  try {
    parseSandboxArgs(argv, env);
  } catch (error) {
    if (error instanceof SandboxArgsError) return error.message;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};

describe('npm run sandbox: the command line', () => {
  it('when nothing is given, then the defaults of the README apply and no playground runs', () => {
    expect(parseSandboxArgs([])).toEqual({
      help: false,
      port: 8090,
      host: '127.0.0.1',
      contacts: 1000,
      seed: 42,
      rateLimit: 190,
      dailyLimit: 625_000,
      token: 'sandbox-token',
      lifecycleBackward: 'refuse',
      portalId: 62515,
    });
  });

  it('when a target and a secret are given, then the playground is asked for, signed for the public URL', () => {
    const args = parseSandboxArgs([
      '--target',
      'http://127.0.0.1:3000/',
      '--client-secret',
      's3cret',
      '--public-url',
      'https://lq.example.test',
      '--traffic',
      '--day-seconds',
      '30',
      '--new-contacts',
      '5',
      '--seed',
      '7',
    ]);
    expect(args.playground).toEqual({
      target: 'http://127.0.0.1:3000',
      clientSecret: 's3cret',
      publicUrl: 'https://lq.example.test',
      history: true,
      traffic: { daySeconds: 30, newContacts: 5, seed: 7 },
    });
  });

  it('when the secret is not on the command line, then HUBSPOT_CLIENT_SECRET from the environment is used', () => {
    const args = parseSandboxArgs(['--target', 'http://localhost:3000', '--skip-history'], {
      HUBSPOT_CLIENT_SECRET: 'from-env',
    });
    expect(args.playground).toMatchObject({ clientSecret: 'from-env', history: false });
    expect(args.playground?.traffic).toBeUndefined();
  });

  it('when --history is given, then two years of history are seeded for 2,000 contacts unless told how many', () => {
    expect(parseSandboxArgs(['--history'])).toMatchObject({ contacts: 2000, history: { contacts: 2000 } });
    expect(parseSandboxArgs(['--history', '--history-contacts', '300'])).toMatchObject({
      contacts: 300,
      history: { contacts: 300 },
    });
    expect(parseSandboxArgs([]).history).toBeUndefined();
    expect(problem(['--history-contacts', '300'])).toBe('--history-contacts needs --history');
    expect(problem(['--history', '--contacts', '300'])).toBe(
      '--contacts does not go with --history; use --history-contacts <n>',
    );
    expect(problem(['--history', '--history-contacts', '0'])).toBe(
      '--history-contacts must be a whole number of at least 1, got "0"',
    );
  });

  it('when --help is given with anything else, then only the usage is asked for', () => {
    expect(parseSandboxArgs(['--help', '--contacts', 'abc']).help).toBe(true);
  });

  it.each([
    [['--contacts', 'abc'], '--contacts must be a whole number (0 or more), got "abc"'],
    [['--contacts', '1e3'], '--contacts must be a whole number (0 or more), got "1e3"'],
    [['--port', '70000'], '--port must be at most 65535, got "70000"'],
    [['--rate-limit', '0'], '--rate-limit must be a whole number of at least 1, got "0"'],
    [['--lifecycle-backward', 'maybe'], '--lifecycle-backward must be refuse or ignore, got "maybe"'],
    [['--contact', '5'], "Unknown option '--contact'; did you mean --contacts?"],
    [['--frobnicate'], "Unknown option '--frobnicate'"],
    [['extra'], "Unexpected argument 'extra'"],
    [['--target'], "Option '--target <value>' argument missing"],
    [
      ['--target', 'localhost:3000', '--client-secret', 's'],
      '--target must be an http:// or https:// URL, got "localhost:3000"',
    ],
    [
      ['--target', 'not a url', '--client-secret', 's'],
      '--target must be a URL such as http://127.0.0.1:3000, got "not a url"',
    ],
    [
      ['--target', 'http://127.0.0.1:3000'],
      '--target needs --client-secret <the service HUBSPOT_CLIENT_SECRET> (or HUBSPOT_CLIENT_SECRET in the environment)',
    ],
    [['--client-secret', 's'], "--client-secret needs --target <the service's URL>"],
    [['--traffic'], "--traffic needs --target <the service's URL>"],
    [
      ['--target', 'http://x:1', '--client-secret', 's', '--day-seconds', '5'],
      '--day-seconds needs --traffic',
    ],
    [
      ['--target', 'http://x:1', '--client-secret', 's', '--traffic', '--day-seconds', '0'],
      '--day-seconds must be a number of seconds above 0, got "0"',
    ],
    [
      ['--target', 'http://x:1?a=1', '--client-secret', 's'],
      '--target must be a base URL without query or fragment, got "http://x:1?a=1"',
    ],
  ])('when the command line is %j, then it is refused in one line: %s', (argv, message) => {
    const text = problem(argv);
    expect(text).toBe(message);
    expect(text).not.toContain('\n');
  });
});
