// One writer process of the cross-process race in fs-store-processes.spec.ts:
//   node race-child.js <compiled fs-store.js> <root> <key> <create|swap> <body> [etag]
// Says "ready", waits for a line on stdin (so all writers start together), tries one
// conditional put and prints "won" or the error's name.
const [, , modulePath, root, key, mode, body, etag] = process.argv;
const { FsObjectStore } = require(modulePath);
const store = new FsObjectStore(root);
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  const options = mode === 'create' ? { ifNoneMatch: '*' } : { ifMatch: etag };
  store.put(key, body, options).then(
    () => finish('won'),
    (error) => finish(error.name),
  );
});

function finish(word) {
  process.stdout.write(`${word}\n`, () => process.exit(0));
}
