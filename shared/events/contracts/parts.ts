import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import type { ProjectEntry } from '../../index/types';
import { BUILD_CAUSE_KINDS, IMAGE_NAME_PATTERN, MAX_MESSAGE_CHARS, MAX_REF_CHARS, NON_BLANK } from './limits';

export { BUILD_CAUSE_KINDS, MAX_MESSAGE_CHARS, MAX_REASON_CHARS, MAX_REF_CHARS } from './limits';

/*
 * The schema pieces several event types share. Why TypeBox (`@sinclair/typebox`): a schema
 * written once here IS a JSON Schema (published to eventing/schemas/ as it is) and `Static<>`
 * gives its TypeScript type, so no interface restates it. TypeBox is used at build time only:
 * its type builder is some 200 CommonJS modules, which made a function's cold import 40-75 %
 * more modules (measured: lint 500 modules of which 218 TypeBox). At run time check.ts walks
 * the published JSON Schema of the one type it meets, read lazily from eventing/schemas/,
 * with no schema engine loaded (ajv and TypeBox's compiler check the same schemas in tests).
 */

/** A non-blank string, of at most `maxLength` characters when given. */
export function Text(description: string, maxLength?: number) {
  return Type.String({ minLength: 1, pattern: NON_BLANK, ...(maxLength === undefined ? {} : { maxLength }), description });
}

/** An ISO 8601 date-time (checked as `Date.parse` reads it; the `date-time` format is registered in check.ts). */
export function Time(description: string) {
  return Type.String({ format: 'date-time', description });
}

/**
 * An optional field. Absent and `null` are both accepted (senders that write `null` for
 * "none" keep working), and handlers see the field's own type: `null` is no value they
 * need to tell apart from absent.
 */
export function Maybe<T extends TSchema>(schema: T) {
  const description = typeof schema.description === 'string' ? { description: schema.description } : {};
  return Type.Optional(Type.Unsafe<Static<T>>(Type.Union([schema, Type.Null()], description)));
}

type Literals<V extends readonly string[]> = { -readonly [K in keyof V]: TLiteral<V[K]> };

/** One of the `values`, as a JSON Schema `anyOf` of constants. */
export function OneOf<const V extends readonly [string, ...string[]]>(values: V, description: string): TUnion<Literals<V>> {
  // `map` loses the tuple's literal types that `Static` needs; the cast restores them.
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  ) as unknown as TUnion<Literals<V>>;
}

export const ProjectRefSchema = Type.Object(
  {
    appId: Text("The index entry's app-id."),
    jobId: Text("The index entry's job-id."),
    desiredTag: Text("The index entry's desired-tag."),
  },
  { title: 'ProjectRef', description: 'The three names that identify an image in the index: `<app-id>/<job-id>:<desired-tag>`.' },
);

const projectEntryShape = Type.Object(
  {
    id: Type.Number({ description: 'Position of the entry in its index file.' }),
    appId: Text('app-id'),
    jobId: Text('job-id'),
    gitUrl: Text('Repository to clone.'),
    gitBranch: Text('Branch to build.'),
    gitPath: Type.String({ description: "Folder of the Dockerfile, relative to the repository root ('' or '.' is the root)." }),
    targetFile: Text('Dockerfile name, relative to `gitPath`.'),
    desiredTag: Text('desired-tag'),
    notifyEmail: Type.Array(Text('An address to mail.'), { description: 'Who is mailed about this image.' }),
    buildContext: Text('Build context, relative to `gitPath`.'),
    prebuildScript: Maybe(Text('Script run before the build, relative to `prebuildContext`.')),
    prebuildContext: Maybe(Text('Where the prebuild script runs, relative to the repository root.')),
    dependsOn: Type.Array(Text('A parent image, `ns/name:tag`.'), { description: 'Parent images; empty when none.' }),
  },
  { title: 'ProjectEntry', description: 'An index entry as the index loader reads it (`source`, where it was written, travels too but is not checked).' },
);

// The index loader owns `ProjectEntry`; the schema checks what events carry of it. Both
// directions are asserted, so the two cannot drift apart silently.
type EntryShape = Static<typeof projectEntryShape>;
const entryFitsShape = (entry: ProjectEntry): EntryShape => entry;
const shapeFitsEntry = (shape: EntryShape): Omit<ProjectEntry, 'source'> => shape;
void entryFitsShape;
void shapeFitsEntry;

/** An index entry; typed as the loader's `ProjectEntry` so handlers pass it on as it is. */
export const ProjectEntrySchema = Type.Unsafe<ProjectEntry>(projectEntryShape);

export const PackageChangeSchema = Type.Object(
  {
    name: Text('Package name.'),
    from: Text('Version before.'),
    to: Text('Version after.'),
    repo: Maybe(
      Text(
        'The RPM repo id the package came from (`baseos`); for a pip, npm or gem package, its registry as the OSV ecosystem names it: `PyPI`, `npm`, `RubyGems`.',
      ),
    ),
  },
  { title: 'PackageChange', description: 'One package whose version changed.' },
);

export const BuildCauseSchema = Type.Object(
  {
    kind: OneOf(BUILD_CAUSE_KINDS, 'Why the build happens.'),
    message: Text('A sentence for people, e.g. "Git commit 1a2b3c to branch master of repo https://…".', MAX_MESSAGE_CHARS),
    commit: Maybe(Text('The commit that caused it.')),
    branch: Maybe(Text('The branch pushed to.')),
    repoUrl: Maybe(Text('The repository pushed to.')),
    parent: Maybe(Text('The parent image that was rebuilt, `app-id/job-id:tag`.')),
    packages: Maybe(Type.Array(PackageChangeSchema, { description: 'The packages whose update caused it.' })),
    cascade: Maybe(
      Text(
        'Set by the dispatcher on every build of a cascade (a parent rebuilt, one cause rebuilding many images): it promises one `notice.requested` for the whole cascade, so the notify function mails that combined notice instead of one mail per `build.completed`.',
      ),
    ),
  },
  { title: 'BuildCause', description: 'Why a build happens.' },
);

export const ImageRefSchema = Type.Object(
  {
    ref: Text('`registry/app-id/job-id:tag`.', MAX_REF_CHARS),
    digest: Maybe(Text('The manifest digest.', MAX_REF_CHARS)),
  },
  { description: 'An image in the registry.' },
);

/** A list of index images `app-id/job-id:tag`, as `baseImagesOf` resolves a Dockerfile's `FROM` lines. */
export function BaseImages(description: string) {
  return Maybe(Type.Array(Type.String({ pattern: IMAGE_NAME_PATTERN, description: 'An index image name `app-id/job-id:tag`.' }), { description }));
}

export type ProjectRefData = Static<typeof ProjectRefSchema>;
export type BuildCauseKind = (typeof BUILD_CAUSE_KINDS)[number];
export type PackageChange = Static<typeof PackageChangeSchema>;
export type BuildCause = Static<typeof BuildCauseSchema>;
export type ImageRef = Static<typeof ImageRefSchema>;

/** `schema` with its own description, where a shared piece means something particular. */
export function Described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}
