import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config/config';
import { ValidationError } from '../../shared/errors/validation-error';
import { startServedRuntime } from '../runtime';
import { runLog, serveUntilStopped } from '../serve-runtime';
import type { Command } from '../types';

const USAGE = `Usage: ccp serve [--index DIR|GIT-URL] [--branch B] [--port N]

Runs every function in this process behind the in-process broker (routing by eventing/) and
serves it: POST CloudEvents to / (binary or structured) with "Authorization: Bearer <token>"
(CCP_INGRESS_TOKEN, else the file <data-dir>/ingress-token), GET stored reports under /reports/,
and the dashboard (projects, builds, live logs, cascades) at /.
  --index   where functions look up projects that events name by app-id/job-id:tag (CCP_INDEX)
  --port    default 8080; 0 picks a free port`;

export const serveCommand: Command = {
  name: ['serve'],
  summary: 'run every function behind the in-process broker and serve events and reports over HTTP',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values } = parseArgs({
      args: argv,
      options: { index: { type: 'string' }, branch: { type: 'string' }, port: { type: 'string', default: '8080' } },
      strict: true,
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ValidationError('bad option', [{ field: '--port', message: 'must be a port number' }]);
    const config = loadConfig(globals, io.env);
    if (values.index) {
      const location = /^[a-z+]+:\/\/|^git@/i.test(values.index) ? values.index : path.resolve(io.cwd, values.index);
      config.index = { location, branch: values.branch };
    }
    const log = await runLog(config.dataDir, io.env);
    await serveUntilStopped(await startServedRuntime(config, log, { port }), io);
    return 0;
  },
};
