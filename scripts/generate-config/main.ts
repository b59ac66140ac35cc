import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../shared/config/package-root';
import { withConfigTable } from './readme';

// `npm run generate:config`: rewrites the README's configuration table from shared/config/settings.
const file = path.join(packageRoot(), 'README.md');
const before = readFileSync(file, 'utf8');
const after = withConfigTable(before);
if (after !== before) writeFileSync(file, after);
process.stdout.write(after === before ? 'README.md is up to date\n' : 'README.md: configuration table written\n');
