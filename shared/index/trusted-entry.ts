import type { IndexEntryOf } from '../builds/abandoned';
import { ValidationError } from '../errors/validation-error';
import { imageName } from './types';
import { entryFromIndex } from './entry-from-index';
import type { FunctionContext } from '../function/types';

/**
 * The index's entry of a project named by an event, never the event's own: what the dead-letter
 * path and notify use, so that an event posted with a forged `entry` (another `notify-email`)
 * can make ccp mail no address the index does not list. Uses {@link entryFromIndex} (the lint and
 * build functions' check, which reads the index again on a mismatch); where that refuses the
 * event's entry, the index's current entry is used instead. `null`: the project is not in the
 * index, or there is no index at all (then an event's entry is all there is, and it is not taken).
 * @see https://github.com/CentOS/container-index#container-index
 */
export function indexEntryOf(context: FunctionContext): IndexEntryOf {
  return async (claimed, project) => {
    const name = imageName(project);
    const known = context.config.index !== undefined || (await context.findEntry(project)) !== null || ((await context.listProjects?.()) ?? []).length > 0;
    if (!known) {
      context.log.warn("no index to take the project's entry from: the event's own entry is not used", { project: name });
      return null;
    }
    try {
      const entry = await entryFromIndex(claimed, project, context);
      if (!entry) context.log.warn('the project is not in the index', { project: name });
      return entry;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const indexed = await context.findEntry(project);
      context.log.warn("the event's entry is not the index's: the index's is used", { project: name, inIndex: indexed !== null, issues: error.errors });
      return indexed;
    }
  };
}
