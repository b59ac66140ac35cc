import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../shared/config/package-root';
import { CONTRACTS } from '../../shared/events/contracts/api';
import {
  EVENT_TYPES_FILE,
  README_BEGIN,
  README_END,
  README_FILE,
  renderContracts,
  SCHEMAS_DIR,
  withReadmeTable,
} from '../../scripts/generate-contracts/render';

const root = packageRoot();
const read = (file: string): string | null => (existsSync(path.join(root, file)) ? readFileSync(path.join(root, file), 'utf8') : null);
const STALE = 'stale: run npm run generate:contracts and commit the result';

describe('generated contract files', () => {
  const files = renderContracts(read(README_FILE) ?? '');

  it('cover every contract: one schema each, the EventTypes and the README', () => {
    expect(files.map((file) => file.path).sort()).toEqual(
      [...CONTRACTS.map((contract) => `${SCHEMAS_DIR}/${contract.type.replace('org.centos.ccp.', '')}.json`), EVENT_TYPES_FILE, README_FILE].sort(),
    );
  });

  it.each(files.map((file) => [file.path, file.content]))('%s is as the contracts generate it', (file, content) => {
    expect({ file, content: read(file) ?? STALE }).toEqual({ file, content: read(file) === content ? content : STALE });
  });

  it('leaves no schema of a type that is gone', () => {
    const wanted = new Set(files.map((file) => path.posix.basename(file.path)));
    expect(
      readdirSync(path.join(root, SCHEMAS_DIR))
        .filter((name) => !wanted.has(name))
        .map((name) => `${name}: ${STALE}`),
    ).toEqual([]);
  });
});

describe('withReadmeTable', () => {
  it('replaces only what is between the markers', () => {
    expect(withReadmeTable(`a\n${README_BEGIN}\nold\n${README_END}\nb`, '| t |')).toEqual(`a\n${README_BEGIN}\n| t |\n${README_END}\nb`);
  });

  it('refuses a README without the markers', () => {
    expect(() => withReadmeTable('no markers', '| t |')).toThrow(`README.md lacks the markers ${README_BEGIN}`);
  });
});
