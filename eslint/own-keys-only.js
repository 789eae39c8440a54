/**
 * `lq/own-keys-only`: no `object[key]` with a key typed as plain `string` into an object typed as a
 * string-keyed record (`Record<string, V>`, `{ [k: string]: V }`).
 *
 * Such a key may come from outside (a HubSpot lead status, a model's reason id), and a plain
 * object answers for keys it never had: `constructor`, `toString`, `hasOwnProperty`, `valueOf`
 * and `__proto__` are found on `Object.prototype`, so `decisions['constructor']` is a function, a
 * truthy "rule"; and writing `out['__proto__'] = v` replaces the prototype. Use a `Map`, or
 * `ownValue(record, key)` from `src/core/own.ts`, which reads own properties only. A key of a
 * literal union type (`STATUS[code]` with `code: AppErrorCode`) is not reported: the type system
 * has already limited it to the keys that exist.
 *
 * Needs type information (typescript-eslint's `projectService`).
 */
import ts from 'typescript';

const WIDE_STRING = ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping;

/** Is `type` (or a member of the union) a string that is not limited to known literals? */
function isWideString(type) {
  if (type.isUnion()) return type.types.some(isWideString);
  if (type.isIntersection()) return type.types.some(isWideString);
  return (type.flags & WIDE_STRING) !== 0;
}

/** Does `type` (or a member of the union, null and undefined aside) have a string index signature? */
function hasStringIndex(checker, type) {
  if (type.isUnion()) return type.types.some((t) => hasStringIndex(checker, t));
  if (type.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) return false;
  if (checker.isArrayType(type) || checker.isTupleType(type)) return false;
  return checker.getIndexInfoOfType(type, ts.IndexKind.String) !== undefined;
}

export const ownKeysOnly = {
  meta: {
    type: 'problem',
    docs: { description: 'Plain-object lookups keyed by arbitrary strings find Object.prototype members.' },
    messages: {
      lookup:
        'A string key into a plain record also finds Object.prototype members (constructor, __proto__, toString…): use a Map or ownValue(record, key).',
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program) return {};
    const checker = services.program.getTypeChecker();
    const typeOf = (node) => checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node));
    return {
      MemberExpression(node) {
        if (!node.computed) return;
        if (!isWideString(typeOf(node.property))) return;
        if (!hasStringIndex(checker, typeOf(node.object))) return;
        context.report({ node, messageId: 'lookup' });
      },
    };
  },
};

export default { rules: { 'own-keys-only': ownKeysOnly } };
