'use strict';
/**
 * ESLint rule `ccp/layer-boundaries`: keeps the folders a picture of the architecture.
 *
 * - `shared/` is used by functions and the CLI, and uses nothing above it: no `functions/`,
 *   `cli/`, `bench/`, `test/` or `scripts/`.
 * - `functions/<name>/` may use its own folder and `shared/`, never another function's folder
 *   (functions talk through events), nor `cli/`, `bench/` or `test/`. `functions/*.ts` (the
 *   registry and the entry) may use every function.
 * - Specs and `__fixtures__` are test code: they may also use `test/`.
 *
 * @see https://eslint.org/docs/latest/extend/custom-rules
 */
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** The layer of a repository path: `shared`, `function:<name>`, `functions`, `cli`, `test`, … */
function layerOf(relative) {
  const parts = relative.split(path.sep);
  if (parts[0] === 'functions') return parts.length > 2 ? `function:${parts[1]}` : 'functions';
  return parts[0];
}

function isTestCode(relative) {
  return /\.(spec|test)\.ts$/.test(relative) || relative.split(path.sep).includes('__fixtures__');
}

/** Why `from` may not import `to`, or null when it may. */
function violation(from, to) {
  const source = layerOf(from);
  const target = layerOf(to);
  const test = isTestCode(from);
  const above = ['cli', 'bench', 'scripts', ...(test ? [] : ['test'])];
  if (source === 'shared') {
    if (target === 'functions' || target.startsWith('function:'))
      return `shared/ must not depend on ${target.replace('function:', 'functions/')}: move what both need into shared/`;
    if (above.includes(target)) return `shared/ must not depend on ${target}/`;
    return null;
  }
  if (source.startsWith('function:')) {
    if (target.startsWith('function:') && target !== source) {
      return `${source.replace('function:', 'functions/')} must not import ${target.replace('function:', 'functions/')}: functions talk through events; move what both need into shared/`;
    }
    if (target === 'functions' && !test) return `${source.replace('function:', 'functions/')} must not import the function registry`;
    if (above.includes(target)) return `${source.replace('function:', 'functions/')} must not depend on ${target}/`;
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'shared/ depends on no function; a function depends on no other function' },
    schema: [],
  },
  create(context) {
    const file = path.relative(ROOT, context.filename);
    if (file.startsWith('..')) return {};
    function check(node, specifier) {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = path.relative(ROOT, path.resolve(path.dirname(context.filename), specifier));
      const why = violation(file, target);
      if (why) context.report({ node, message: `'${specifier}': ${why}` });
    }
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      CallExpression: (node) => {
        const callee = node.callee;
        const isRequire = callee.type === 'Identifier' && callee.name === 'require';
        const isJestMock = callee.type === 'MemberExpression' && callee.object.name === 'jest';
        if ((isRequire || isJestMock) && node.arguments[0]?.type === 'Literal') check(node.arguments[0], node.arguments[0].value);
      },
    };
  },
  violation,
};
