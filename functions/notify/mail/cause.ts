import { describePackageChange, isRegistryChange } from '../../../shared/events/package-change';
import type { BuildCause } from '../../../shared/events/types';

/**
 * The cause of a build in the seed's words ("Cause of build" in its mails), made from the
 * cause's fields so that every mail says it the same way; the requester's own message when
 * the fields are missing.
 * @see ../../README.md#events
 */
export function describeCause(cause: BuildCause): string {
  switch (cause.kind) {
    case 'first-build':
      return 'First build: new index entry';
    case 'git-push':
      return cause.commit && cause.branch && cause.repoUrl ? `Git commit ${cause.commit} to branch ${cause.branch} of repo ${cause.repoUrl}` : cause.message;
    case 'parent-rebuilt': {
      // The dispatcher's message carries the parent's own reason ("parent X rebuilt because …").
      const because = / rebuilt because (.+)$/s.exec(cause.message)?.[1];
      if (!cause.parent) return cause.message;
      return `Parent container image ${cause.parent} is rebuilt${because ? ` because ${because}` : ''}`;
    }
    case 'rpm-update':
      return cause.packages && cause.packages.length > 0
        ? `${cause.packages.some(isRegistryChange) ? 'Package updates' : 'RPM updates'}: ${cause.packages.map(describePackageChange).join('; ')}`
        : cause.message;
    case 'index-change':
      return 'Update to build configurations';
    case 'manual':
      return cause.message ? `Manual build: ${cause.message}` : 'Manual build';
  }
}
