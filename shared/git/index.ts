export { GitError } from './errors';
export { RepoCache } from './repo-cache';
export { runGit, runGitBuffer, GitCommandError } from './run-git';
export { createLocalRepo, type LocalRepo, type FileContent } from './local-repo';
