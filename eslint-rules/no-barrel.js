'use strict';
/**
 * ESLint rule `ccp/no-barrel`: an `index.ts` that only re-exports other modules is refused.
 *
 * Barrels hid which file declares a name, were bypassed as often as used, and made every
 * function load whole folders at start (cold start under scale to zero): import the file that
 * declares the name. A plug-in's `index.ts` (a scanner, a lint rule, a provider) holds code and
 * is not a barrel.
 *
 * @see https://eslint.org/docs/latest/extend/custom-rules
 */
const path = require('node:path');

/** @type {import('eslint').Rule.RuleModule} */
module.exports = {
  meta: {
    type: 'suggestion',
    docs: { description: 'no index.ts that only re-exports: import the declaring file' },
    schema: [],
  },
  create(context) {
    if (path.basename(context.filename) !== 'index.ts') return {};
    return {
      Program(program) {
        const statements = program.body;
        const reExports = statements.filter((s) => (s.type === 'ExportNamedDeclaration' || s.type === 'ExportAllDeclaration') && s.source);
        if (statements.length > 0 && reExports.length === statements.length) {
          context.report({ node: program, message: 'this index.ts only re-exports: delete it and import the files that declare the names' });
        }
      },
    };
  },
};
