/**
 * Text as both databases take it. PostgreSQL refuses a NUL character in `text` ("invalid byte
 * sequence for encoding UTF8: 0x00"), which used to fail a whole webhook batch for one field; a
 * lone UTF-16 surrogate (half of a pair, which JSON allows as `\ud800`) is not UTF-8 at all, and
 * the drivers would turn it into U+FFFD behind our back. So every text value a query binds is made
 * safe in one place, the store's Kysely plugin: NUL and lone surrogates become U+FFFD, the
 * replacement character, on SQLite and PostgreSQL alike, for every aggregate's writes (and reads,
 * so a lookup by such a value finds what was stored).
 */
import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';

// NUL is the point of these two patterns: no-control-regex does not apply.
/* eslint-disable no-control-regex */
/** NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MAYBE_UNSAFE = /[\u0000\uD800-\uDFFF]/;
/* eslint-enable no-control-regex */

/** `text` with NUL characters and lone surrogates replaced by U+FFFD; other text unchanged. */
export function sanitizeText(text: string): string {
  return MAYBE_UNSAFE.test(text) ? text.replace(UNSAFE, '\uFFFD') : text;
}

function sanitizeValue(value: unknown): unknown {
  return typeof value === 'string' ? sanitizeText(value) : value;
}

/** Rewrites every bound value of a query (inserts, updates, conditions, raw `sql` parameters). */
class SanitizeTextTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = sanitizeValue(node.value);
    return value === node.value ? node : Object.freeze({ ...node, value });
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    const values = node.values.map(sanitizeValue);
    return values.every((v, i) => v === node.values[i]) ? node : Object.freeze({ ...node, values });
  }
}

/** The Kysely plugin both adapters install: see the module's comment. */
export class SanitizeTextPlugin implements KyselyPlugin {
  readonly #transformer = new SanitizeTextTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}
