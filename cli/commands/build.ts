import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config/config';
import { ValidationError } from '../../shared/errors/validation-error';
import { loadIndex } from '../../shared/index/load';
import { imageName, parseImageName } from '../../shared/index/types';
import { startServedRuntime } from '../runtime';
import { logFile, runLog } from '../serve-runtime';
import type { Command } from '../types';
import { embeddedScheduling, indexLocation, renderSummary, runProjects, type ProjectSummary } from './run';

const USAGE = `Usage: ccp build APP-ID/JOB-ID:TAG --index DIR|GIT-URL [--branch B] [--json]

Lints and builds one project of the index through the embedded pipeline (the same runtime as
ccp run: local registry unless --registry, buildah on this host), with progress, then prints
its build status, image digest and report paths. Its parents are not rebuilt: they must be
in the registry already (ccp run builds a whole index, parents first).
  --index   a folder of index YAML files, a folder holding index.d/, or a git URL
  --branch  the branch of a git index
  --json    print the summary as JSON on stdout (progress stays on stderr)`;

/** What `ccp build --json` prints. */
export interface BuildSummary {
  project: ProjectSummary;
  registry: string;
  store: string;
  log: string;
}

export const buildCommand: Command = {
  name: ['build'],
  summary: 'lint and build one project of the index (app-id/job-id:tag) and push it',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { index: { type: 'string' }, branch: { type: 'string' }, json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    const ref = positionals.length === 1 ? parseImageName(positionals[0]!) : null;
    if (!ref) throw new ValidationError('bad arguments', [{ field: 'APP-ID/JOB-ID:TAG', message: 'name exactly one project, e.g. sample/hello:latest' }]);
    if (!values.index) throw new ValidationError('missing option', [{ field: '--index', message: 'name an index folder or git URL' }]);
    const location = indexLocation(values.index, io.cwd);
    const config = { ...embeddedScheduling(loadConfig(globals, io.env)), index: { location, branch: values.branch } };
    const index = await loadIndex(location, { branch: values.branch, workDir: config.workDir });
    const entry = index.projects.find((candidate) => imageName(candidate) === imageName(ref));
    if (!entry) {
      throw new ValidationError('unknown project', [
        {
          field: 'APP-ID/JOB-ID:TAG',
          message: `${imageName(ref)} is not in the index at ${location} (${index.projects.length} projects, ${index.errors.length} errors)`,
        },
      ]);
    }
    const log = await runLog(config.dataDir, io.env);
    const progress = (line: string): void => io.stderr(`${line}\n`);
    const served = await startServedRuntime(config, log, { port: 0, projects: index.projects });
    try {
      const { projects, deadLetters } = await runProjects(served.runtime, index.projects, [entry], progress, { descendants: false });
      const summary: BuildSummary = {
        project: projects[0]!,
        registry: served.runtime.context.config.registry,
        store: served.runtime.context.store.locationOf('reports'),
        log: logFile(config.dataDir),
      };
      if (values.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else io.stdout(renderSummary({ projects, deadLetters, store: summary.store, log: summary.log, registry: summary.registry }));
      return summary.project.build.status === 'succeeded' ? 0 : 1;
    } finally {
      await served.close();
    }
  },
};
