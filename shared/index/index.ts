export * from './types';
export { IndexSourceError } from './errors';
export { loadIndex, isGitUrl, type LoadIndexOptions } from './load';
export { loadIndexFromDir } from './load-dir';
export { loadIndexFromGit } from './load-git';
export { validateIndexTexts, type IndexText } from './validate-texts';
export { resolveProjectPaths, findPathProblems, type PathProblem } from './paths';
export { findProject, projectsByImageName } from './lookup';
export { parseDependencyRef, type DependencyRef } from './dependency-ref';
