// A require hook that lets a child `node` process run the TypeScript sources as they are
// (`node -r ./ts-register.js cli/main.ts …`), so hostile tests drive real processes without a
// build step: each .ts file is transpiled to CommonJS on load, types are not checked (tsc does).
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false };
require.extensions['.ts'] = (module, filename) => {
  const output = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions: options, fileName: filename }).outputText;
  module._compile(output, filename);
};
