import path from 'node:path';
import { loadIndexFromDir } from './load-dir';
import { findProject, projectsByImageName } from './lookup';

describe('findProject', () => {
  it.each([
    ['base/python:3.12', 'https://example.com/base/python.git'],
    ['apps/web', 'git@example.com:apps/web.git'],
    ['apps/web:latest', 'git@example.com:apps/web.git'],
    ['base/python:3', null],
    ['nope', null],
  ])('finds %s', async (name, gitUrl) => {
    const { projects } = await loadIndexFromDir(path.join(__dirname, '__fixtures__', 'good'));
    expect(findProject(projects, name)?.gitUrl ?? null).toEqual(gitUrl);
  });

  it('maps every entry by image name', async () => {
    const { projects } = await loadIndexFromDir(path.join(__dirname, '__fixtures__', 'good'));
    expect([...projectsByImageName(projects).keys()]).toEqual(['apps/web:latest', 'base/os:9', 'base/python:3.12']);
  });
});
