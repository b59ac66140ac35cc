import type { Scanner } from '../../../../shared/reports/scanner-types';
import { capabilityFindings } from './rules';
import { labelWords, parseRunCommand } from './run-command';

/** The label names read, in order: Project Atomic's `RUN`, then the lower-case spelling. */
const LABELS = ['RUN', 'run'];

/**
 * What the image's `RUN` label (the command `podman container runlabel` and `atomic run`
 * execute) asks of the host: privileged mode, capabilities, host namespaces and mounts,
 * security options, devices. The label is parsed as a shell command line, `${IMAGE}`,
 * `$IMAGE` and `${NAME}` replaced as runlabel does. No label is a clear "none".
 * @see https://docs.podman.io/en/latest/markdown/podman-container-runlabel.1.html
 */
export const capabilitiesScanner: Scanner = {
  id: 'capabilities',
  version: '1.0.0',
  description: "Privileges the image's RUN label asks for: --privileged, --cap-add, host namespaces and mounts, security options, devices.",
  async scan(target) {
    const labels = target.config.Labels ?? {};
    const name = LABELS.find((label) => typeof labels[label] === 'string') ?? Object.keys(labels).find((label) => label.toLowerCase() === 'run');
    const label = name === undefined ? undefined : labels[name];
    if (label === undefined || label.trim() === '') {
      return { status: 'ok', findings: [], packages: [], notes: ['no RUN label'] };
    }
    const split = labelWords(label, { IMAGE: target.imageRef, NAME: containerName(target.imageRef) });
    const command = parseRunCommand(split.words);
    const notes = [...split.notes];
    if (!command.engine) notes.push('the RUN label does not start with docker or podman run; read as run options');
    return {
      status: 'ok',
      findings: capabilityFindings(command.options),
      packages: [],
      extra: {
        label: { name, value: label },
        engine: command.engine,
        image: command.image,
        options: command.options.map((option) => option.raw),
        args: command.args,
      },
      ...(notes.length > 0 ? { notes } : {}),
    };
  },
};

/** The container name runlabel uses by default: the image's name without registry and tag. */
function containerName(imageRef: string): string {
  const withoutDigest = imageRef.split('@')[0]!;
  const last = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  return last.replace(/:[^:]*$/, '') || 'container';
}
