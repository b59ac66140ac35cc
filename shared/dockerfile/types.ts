import type { Dockerfile, Instruction } from 'dockerfile-ast';
import type { ShellScript } from './shell/types';

/** hadolint's four reporting levels, most severe first. */
export type Level = 'error' | 'warning' | 'info' | 'style';

/** A rule's default severity: a level, or `ignore` for rules that are off unless overridden. */
export type Severity = Level | 'ignore';

/** `failure-threshold` of `.hadolint.yaml`: the lowest level that fails, or never fail. */
export type Threshold = Level | 'ignore' | 'none';

/**
 * One finding, in hadolint's JSON shape (keys in hadolint's order; line and column start at 1).
 * @see https://github.com/hadolint/hadolint#output-formats
 */
export interface Finding {
  code: string;
  column: number;
  file: string;
  level: Level;
  line: number;
  message: string;
  /**
   * First line of the `RUN` a ShellCheck finding is in, when that is not `line` (a continuation
   * line or heredoc body): hadolint's JSON reports ShellCheck findings there.
   */
  instructionLine?: number;
}

/** What a rule reports: where, and optionally a message more specific than its summary. */
export interface RuleFinding {
  line: number;
  column?: number;
  message?: string;
}

/** A `FROM` and what it names. */
export interface Stage {
  index: number;
  /** 1-based line of the `FROM`. */
  line: number;
  /** Image as written, without tag and digest (`centos`, `quay.io/x/y`), `''` when missing. */
  image: string;
  tag: string | null;
  digest: string | null;
  /** Registry host when the image names one (`quay.io`), else null (Docker Hub). */
  registry: string | null;
  /** Stage name from `AS name`, lower-cased as Docker compares it. */
  alias: string | null;
  platform: string | null;
}

/** One instruction, flattened: `ONBUILD RUN x` appears as a `RUN` with `onbuild: true`. */
export interface InstructionNode {
  /** Upper-case keyword, e.g. `RUN`. */
  keyword: string;
  /** 1-based first and last line of the instruction. */
  line: number;
  endLine: number;
  /** Arguments with line continuations joined and embedded comments removed. */
  args: string;
  /** Arguments split into words the way Docker does (flags excluded), quotes kept. */
  words: string[];
  /** `--name=value` flags (`COPY --from=x`, `RUN --mount=...`); value null for a bare flag. */
  flags: { name: string; value: string | null }[];
  /** JSON (exec) form for RUN, CMD, ENTRYPOINT, COPY, ADD, SHELL... */
  jsonForm: boolean;
  /** The strings of the JSON form, when `jsonForm`. */
  jsonArgs: string[];
  onbuild: boolean;
  /** Index into `LintContext.stages`; -1 before the first `FROM`. */
  stage: number;
  /** Parsed shell commands of a `RUN` (exec form joined with spaces, as hadolint does). */
  script: ShellScript | null;
  node: Instruction;
}

/** Everything a rule may look at, built once per Dockerfile. */
export interface LintContext {
  file: string;
  text: string;
  dockerfile: Dockerfile;
  instructions: InstructionNode[];
  stages: Stage[];
  /** `trustedRegistries` of the configuration; empty means "not set" (DL3026 stays silent). */
  trustedRegistries: string[];
}

/**
 * One hadolint rule, renovate style: a folder per rule under `rules/`, registered in `api.ts`.
 * @see https://github.com/hadolint/hadolint#rules
 */
export interface Rule {
  /** hadolint's id, e.g. `DL3032`. */
  id: string;
  /** hadolint's default severity for this rule. */
  severity: Severity;
  /** hadolint's message for the rule. */
  summary: string;
  check(context: LintContext): RuleFinding[];
}

/**
 * `.hadolint.yaml`, parsed. Absent fields fall back to the defaults (threshold `error`).
 * @see https://github.com/hadolint/hadolint#configure
 */
export interface LintConfig {
  ignored?: string[];
  trustedRegistries?: string[];
  failureThreshold?: Threshold;
  override?: Partial<Record<Level, string[]>>;
  /** `disable-ignore-pragma`: when true, `# hadolint ignore=` comments are not honoured. */
  disableIgnorePragma?: boolean;
}
