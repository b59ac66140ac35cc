import { Type, type Static } from '@sinclair/typebox';
import { EventTypes } from '../types';
import { defineContract } from './define';
import { Maybe, Text } from './parts';

export const GitPushDataSchema = Type.Object({
  repoUrl: Text('The repository pushed to.'),
  branch: Text('The branch pushed to.'),
  commit: Text('The new head of the branch.'),
  changedPaths: Maybe(Type.Array(Text('A path, relative to the repository root.'), { description: 'Files the push touched, when the webhook lists them.' })),
});

export type GitPushData = Static<typeof GitPushDataSchema>;

export const gitPush = defineContract({
  type: EventTypes.gitPush,
  description: 'A push to a git repository, from a webhook.',
  emittedBy: 'gateway (GitHub, GitLab, generic webhooks)',
  consumedBy: 'dispatcher',
  data: GitPushDataSchema,
  example: {
    repoUrl: 'https://github.com/CentOS/container-images',
    branch: 'master',
    commit: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
    changedPaths: ['httpd/Dockerfile'],
  },
});
