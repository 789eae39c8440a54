/**
 * Reading bodies at the edge: the encoding check, the flat depth scan, and the framing of a JSON
 * array into its elements' received texts, compared with `JSON.parse` on any JSON and on JSON
 * with a character changed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bodyText,
  frameJsonArray,
  jsonDepth,
  MAX_JSON_DEPTH,
  parseJsonText,
  unreadableBody,
} from '../../src/http/json-body.js';
import { sanitizeText } from '../../src/store/sql/sanitize-text.js';

/** Nesting depth of a parsed JSON value, the slow recursive way. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null)
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

/** JSON laid out in one of a few ways. */
const layouts = [
  (v: unknown) => JSON.stringify(v),
  (v: unknown) => JSON.stringify(v, null, 2),
  (v: unknown) => ` \r\n\t${JSON.stringify(v, null, '\t')}\n `,
];

/** Any code units at all, lone surrogates and NUL included. */
const anyText = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
  .map((codes) => String.fromCharCode(...codes));

describe('frameJsonArray', () => {
  it('frames any JSON array, however laid out, into elements equal to JSON.parse’s, each text its own JSON', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 6 }), { maxLength: 8 }), fc.nat(2), (array, layout) => {
        const text = layouts[layout]!(array);
        const framed = frameJsonArray(text);
        expect(framed.ok).toBe(true);
        if (!framed.ok) return;
        expect(framed.elements.map((e) => e.value)).toEqual(JSON.parse(text));
        for (const e of framed.elements) {
          expect(text).toContain(e.text);
          expect(JSON.parse(e.text)).toEqual(e.value);
          expect(e.text).toBe(e.text.trim());
        }
      }),
    );
  });

  it('agrees with JSON.parse on JSON with one character changed: when both read it, the values are equal', () => {
    const mutated = fc
      .tuple(
        fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 5 }),
        fc.nat(),
        fc.constantFrom(...'[]{}",:\\ 0an\u0000'),
      )
      .map(([array, at, c]) => {
        const text = JSON.stringify(array);
        const i = at % (text.length + 1);
        return text.slice(0, i) + c + text.slice(i + 1);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        const framed = frameJsonArray(text);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        if (Array.isArray(parsed)) {
          // Valid JSON arrays are always framed, and every element read.
          expect(framed.ok).toBe(true);
          if (framed.ok) expect(framed.elements.map((e) => e.value)).toEqual(parsed);
        }
        if (framed.ok && framed.elements.every((e) => e.unreadable === undefined) && parsed === undefined) {
          // The framing never reads as values what JSON.parse refuses, except a refused element.
          expect.unreachable(`framed as readable but not JSON: ${text}`);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws, on any text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        frameJsonArray(text);
        frameJsonArray(`[${text}]`);
      }),
    );
  });

  it('refuses a body that is not an array, or whose framing breaks, and marks a bad or too deep element alone', () => {
    for (const text of ['', '{}', '1', 'null', '[', '[1', '["a]', '[1]x', '[}', '[1] [2]'])
      expect(frameJsonArray(text).ok, text).toBe(false);
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    const framed = frameJsonArray(`[1, tru, ${deep}, {"a": "]},["}, ]`);
    expect(framed).toMatchObject({
      ok: true,
      beyond: 0,
      elements: [
        { index: 0, text: '1', value: 1 },
        { index: 1, text: 'tru', unreadable: 'not_json' },
        { index: 2, text: deep, unreadable: 'too_deep' },
        { index: 3, text: '{"a": "]},["}', value: { a: ']},[' } },
        { index: 4, text: '', unreadable: 'not_json' },
      ],
    });
  });

  it('keeps the first elements and only counts the rest', () => {
    const framed = frameJsonArray(JSON.stringify(Array.from({ length: 105 }, (_, i) => ({ i }))), {
      maxElements: 100,
    });
    expect(framed).toMatchObject({ ok: true, beyond: 5 });
    if (framed.ok) expect(framed.elements).toHaveLength(100);
  });

  it('frames a megabyte nested 500,000 deep without recursion', () => {
    const framed = frameJsonArray(`[${'['.repeat(500_000)}${']'.repeat(500_000)}]`);
    expect(framed).toMatchObject({ ok: true, elements: [{ unreadable: 'too_deep' }] });
  });
});

describe('jsonDepth and parseJsonText', () => {
  it('measures the depth JSON.parse’s value has', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(jsonDepth(JSON.stringify(value))).toBe(depthOf(value));
      }),
    );
  });

  it('refuses a body nested deeper than the limit before parsing it, and parses the rest', () => {
    const at = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    expect(parseJsonText(at(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
    expect(parseJsonText(at(MAX_JSON_DEPTH + 1))).toEqual({
      ok: false,
      problem: 'nested deeper than 64 levels',
    });
    expect(parseJsonText(at(100_000))).toEqual({ ok: false, problem: 'nested deeper than 64 levels' });
    expect(parseJsonText('{"a": [1, 2')).toEqual({ ok: false, problem: 'not valid JSON' });
  });
});

describe('unreadableBody and bodyText', () => {
  it.each([
    [{}, null],
    [{ 'content-encoding': 'identity' }, null],
    [{ 'content-encoding': 'Identity, identity' }, null],
    [{ 'content-type': 'application/json; charset=UTF-8' }, null],
    [{ 'content-type': 'application/json; charset="utf8"' }, null],
    [{ 'content-encoding': 'gzip' }, 'Content-Encoding gzip is not accepted'],
    [{ 'content-encoding': 'identity, br' }, 'Content-Encoding br is not accepted'],
    [{ 'content-type': 'application/json; charset=iso-8859-1' }, 'charset iso-8859-1 is not accepted'],
  ])('when the headers are %j, then the body is readable unless: %s', (headers, problem) => {
    const result = unreadableBody(headers);
    if (problem === null) expect(result).toBeNull();
    else expect(result).toContain(problem);
  });

  it('reads UTF-8, drops a byte-order mark, and reads bytes that are not UTF-8 as U+FFFD', () => {
    expect(bodyText(Buffer.from('\ufeff[1]'))).toBe('[1]');
    expect(bodyText(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]))).toBe('["\ufffd"]');
  });
});

describe('sanitizeText', () => {
  it('leaves no NUL and no lone surrogate, changes nothing else, and is idempotent', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const safe = sanitizeText(text);
        expect(safe).not.toContain('\u0000');
        expect(() => encodeURIComponent(safe)).not.toThrow(); // throws on a lone surrogate
        expect(safe).toHaveLength(text.length);
        expect(sanitizeText(safe)).toBe(safe);
        let wellFormed = !text.includes('\u0000');
        try {
          encodeURIComponent(text);
        } catch {
          wellFormed = false;
        }
        if (wellFormed) expect(safe).toBe(text);
      }),
    );
    expect(sanitizeText('a\u0000b\ud800c\udc00d\ud83d\ude00')).toBe('a\ufffdb\ufffdc\ufffdd\ud83d\ude00');
  });
});
