export { GitError } from './errors';
export { RepoCache } from './repo-cache';
export { runGit, runGitBuffer, GitCommandError } from './run-git';
export { createLocalRepo, type LocalRepo } from './local-repo';
