import type { CloudEvent } from 'cloudevents';
import { ValidationError } from '../../shared/errors/validation-error';
import { EventTypes } from '../../shared/events/types';
import { deriveBuildId } from '../../shared/events/build-id';
import { functionSource, makeEvent } from '../../shared/events/make';
import { dataOf, validateEvent } from '../../shared/events/validate';
import { type BuildRequestedData } from '../../shared/events/contracts/build-requested';
import { type LintCompletedData } from '../../shared/events/contracts/lint-completed';
import { ContainmentFailure } from '../../shared/dockerfile/contained-paths';
import { hostAccessProblem } from '../../shared/dockerfile/host-access';
import { GitError } from '../../shared/git/errors';
import { GitCommandError } from '../../shared/git/run-git';
import { baseImagesOf } from '../../shared/graph/from-parents';
import { resolveProjectPaths } from '../../shared/index/paths';
import { imageName } from '../../shared/index/types';
import { formatJson } from './linter/format/json';
import { formatSarif } from './linter/format/sarif';
import { LINTER_VERSION } from './linter/version';
import { lintDockerfile } from './linter/lint';
import { lintVerdict } from './linter/verdict';
import { parseLintConfig } from './linter/config/parse';
import { type Finding, type LintConfig } from '../../shared/dockerfile/types';
import { buildRecordKey, reportKey } from '../../shared/store/keys';
import { entryFromIndex } from '../../shared/index/entry-from-index';
import type { FunctionContext } from '../../shared/function/types';
import { findLintConfig, readContained } from './lint-config';

export const FUNCTION_NAME = 'lint';
const SOURCE = functionSource(FUNCTION_NAME);

/**
 * On `build.requested`: fetches the project's Dockerfile at the commit, lints it, stores
 * `lint.json` (hadolint's JSON) and `lint.sarif` under the build's reports, and returns
 * `lint.completed` with the verdict, the counts, the report keys and the index images the
 * Dockerfile's `FROM` lines name (`baseImages`, which the build carries on to the dispatcher).
 * @see https://github.com/hadolint/hadolint#rules
 */
export async function handle(event: CloudEvent<unknown>, context: FunctionContext): Promise<CloudEvent<unknown>[]> {
  validateEvent(event);
  const request = dataOf(event, EventTypes.buildRequested);
  const entry = await entryFromIndex(request.entry, request.project, context);
  if (!entry) {
    throw new ValidationError('cannot lint', [{ field: 'data.project', message: `${imageName(request.project)} is not in the index` }]);
  }
  const buildId = request.buildId ?? deriveBuildId(event);
  const log = context.log.child({ buildId, project: imageName(request.project), eventId: event.id });
  // The build function keeps a record of every lint.completed it took: a request redelivered
  // after that (at least once, as Knative; or replayed by the dispatcher) needs no second lint,
  // and answering it again would only send the build's completion round once more.
  if (await context.store.head(buildRecordKey(request.project, buildId))) {
    log.info('build already linted and handed to the build function; nothing to do');
    return [];
  }
  const reports = { json: reportKey(request.project, buildId, 'lint.json'), sarif: reportKey(request.project, buildId, 'lint.sarif') };
  const causeChain = [...(request.causeChain ?? []), request.cause];
  const outcome = await lintProject(entry, request.commit ?? entry.gitBranch, context);

  const threshold = outcome.config?.failureThreshold ?? context.config.lint.failureThreshold;
  const { failed, counts } = lintVerdict(outcome.findings, threshold);
  await context.store.put(reports.json, formatJson(outcome.findings), { contentType: 'application/json' });
  await context.store.put(reports.sarif, formatSarif(outcome.findings, { toolVersion: TOOL_VERSION }), { contentType: 'application/sarif+json' });

  const verdict = outcome.reason ? 'error' : failed ? 'failed' : 'passed';
  const data: LintCompletedData = {
    buildId,
    project: request.project,
    entry,
    ...(outcome.commit ? { commit: outcome.commit } : {}),
    verdict,
    blocking: verdict !== 'passed',
    failureThreshold: threshold,
    counts,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    reports,
    cause: request.cause,
    causeChain,
    ...(outcome.baseImages ? { baseImages: outcome.baseImages } : {}),
  };
  log.info('linted', { verdict, counts, commit: outcome.commit, reason: outcome.reason });
  return [makeEvent(EventTypes.lintCompleted, data, { source: SOURCE, id: `${buildId}/lint` })];
}

const TOOL_VERSION = LINTER_VERSION;

interface LintOutcome {
  findings: Finding[];
  commit?: string;
  config?: LintConfig;
  /** The index images of the Dockerfile's `FROM` lines; absent when there is no Dockerfile. */
  baseImages?: string[];
  /** Why linting could not run at all; the verdict is then `error`. */
  reason?: string;
}

async function lintProject(entry: NonNullable<BuildRequestedData['entry']>, ref: string, context: FunctionContext): Promise<LintOutcome> {
  let commit: string;
  let gitDir: string;
  try {
    ({ commit, gitDir } = await context.repos.fetch(entry.gitUrl, ref));
  } catch (error) {
    if (error instanceof GitError) return { findings: [], reason: error.message };
    throw error;
  }
  const paths = resolveProjectPaths(entry);
  let dockerfile: Awaited<ReturnType<typeof readContained>>;
  try {
    dockerfile = await readContained(gitDir, commit, paths);
  } catch (error) {
    if (error instanceof ContainmentFailure) return { findings: [], commit, reason: error.message };
    // A tree too big to list (git's output bound) is the repository's doing: an error verdict, not a retry.
    if (error instanceof GitCommandError) return { findings: [], commit, reason: `cannot read the tree of ${commit}: ${error.message}` };
    throw error;
  }
  if (!dockerfile) {
    return { findings: [], commit, reason: `${paths.dockerfile} does not exist at commit ${commit} of ${entry.gitUrl}` };
  }
  const text = dockerfile.bytes.toString('utf8');
  const baseImages = baseImagesOf(text, { registry: context.config.registry });
  let config: LintConfig | undefined;
  const configFile = await findLintConfig(context.repos, entry.gitUrl, commit, dockerfile.gitPath);
  if (configFile) {
    try {
      config = parseLintConfig(configFile.text, configFile.path);
    } catch (error) {
      if (error instanceof ValidationError) return { findings: [], commit, baseImages, reason: error.message };
      throw error;
    }
  }
  const findings = await lintDockerfile(text, {
    file: paths.dockerfile,
    config,
    shellcheck: context.config.lint.shellcheck,
  });
  // Linted all the same, so the report shows the findings beside the reason the build cannot run.
  const mountProblem = hostAccessProblem(text, paths.dockerfile);
  return { findings, commit, config, baseImages, ...(mountProblem ? { reason: mountProblem } : {}) };
}
