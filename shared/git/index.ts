export { GitError } from './errors';
export { RepoCache } from './repo-cache';
export { runGit, runGitBuffer, GitCommandError } from './run-git';
export { createTestRepo, type TestRepo } from './test-repo';
