import path from 'node:path';
import { FUNCTIONS } from '../../functions/api';
import { bundleFunctions } from './bundle';

/** `npm run build`, after tsc: the bundle of each function of functions/api.ts and the image's entry. */
async function main(): Promise<void> {
  // dist/scripts/bundle-functions/ → the package; not packageRoot(), which needs eventing/ (the
  // image's build stage compiles without it).
  const root = path.resolve(__dirname, '..', '..', '..');
  const written = await bundleFunctions(root, [...FUNCTIONS.keys()]);
  console.log(`bundle-functions: ${written.map((file) => path.relative(root, file)).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
