import type { ESLint, Rule } from 'eslint';

/** The rule `lq/own-keys-only`; see own-keys-only.js. */
export declare const ownKeysOnly: Rule.RuleModule;
/** The plugin `lq`, holding the rule. */
declare const plugin: ESLint.Plugin;
export default plugin;
