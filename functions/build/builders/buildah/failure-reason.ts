/**
 * Why a `buildah bud` failed, in words for people, from the last lines of its output:
 * `RUN make exited with 2 at line 4` for a failing step, else buildah's own last `Error:` line.
 * `dockerfile` (the text) gives the line of the failing instruction when it can be found.
 * @see https://github.com/containers/buildah/blob/main/docs/buildah-build.1.md
 */
export function buildFailureReason(tail: readonly string[], dockerfile?: string): string | null {
  const errorLine = lastErrorLine(tail);
  if (!errorLine) return null;
  const step = /^building at STEP "(.*)": exit status (\d+)$/s.exec(errorLine);
  if (step) {
    const instruction = step[1]!;
    const line = dockerfile === undefined ? null : lineOf(dockerfile, instruction);
    return `${instruction} exited with ${step[2]}${line ? ` at line ${line}` : ''}`;
  }
  return errorLine;
}

/** The text of buildah's last `Error: …` line (without the prefix); `null` when there is none. */
export function lastErrorLine(tail: readonly string[]): string | null {
  for (let index = tail.length - 1; index >= 0; index--) {
    const match = /^Error: (.+)$/.exec(tail[index]!.trim());
    if (match) return match[1]!;
  }
  return null;
}

/**
 * The 1-based line where `instruction` starts in a Dockerfile, comparing with continuations
 * joined and whitespace squeezed, as buildah prints a step; `null` when not found.
 */
export function lineOf(dockerfile: string, instruction: string): number | null {
  const wanted = squeeze(instruction);
  const lines = dockerfile.split(/\r?\n/);
  for (let start = 0; start < lines.length; start++) {
    let joined = '';
    for (let end = start; end < lines.length; end++) {
      const text = lines[end]!;
      const continued = /\\\s*$/.test(text);
      joined += ` ${continued ? text.replace(/\\\s*$/, '') : text}`;
      if (!continued) break;
    }
    const candidate = squeeze(joined);
    if (candidate === wanted || (candidate.length > 0 && candidate.toLowerCase().startsWith(wanted.toLowerCase()))) return start + 1;
  }
  return null;
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
