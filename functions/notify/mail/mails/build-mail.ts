import type { BuildCompletedData } from '../../../../shared/events/types';
import { imageName } from '../../../../shared/index/types';
import type { ObjectStore } from '../../../../shared/store/types';
import { describeCause } from '../cause';
import type { ReportLinker } from '../links';
import type { BuildMemory } from '../memory';
import { readLintDigest } from '../report-reading';
import type { MailDocument, MailSection } from '../render/document';
import { formatDuration, registryName, reportLinks } from './common';
import { changeItems, lintSection, sourceRows, type ParentImage } from './sections';

export interface BuildMailInput {
  data: BuildCompletedData;
  /** The image's build before this one, as the notify function remembered it. */
  previous: BuildMemory | null;
  /** Report files of the build's folder (file name → key). */
  reports: ReadonlyMap<string, string>;
  registry: string;
  /** The parent image a parent-rebuilt build was built on, when known. */
  parent?: ParentImage | null;
}

/**
 * The mail of one build: `[<registry>] SUCCESS|FAILED: Container build <app-id>/<job-id>:<tag>`
 * with status, image and digest, repository, branch and commit, the cause in the seed's words,
 * what changed since the previous image, the lint summary (counts and the worst findings with
 * line, rule and message), and a link to every report of the build.
 * @see ../../../README.md#notifications
 */
export async function buildMail(input: BuildMailInput, store: ObjectStore, linker: ReportLinker): Promise<MailDocument> {
  const { data } = input;
  const status = data.status === 'succeeded' ? 'SUCCESS' : 'FAILED';
  const name = imageName(data.project);
  const rows: [string, string][] = [['Build Status', status]];
  if (data.reason) rows.push(['Reason', data.reason]);
  rows.push(['Image', data.image?.ref ?? name]);
  if (data.image?.digest) rows.push(['Digest', data.image.digest]);
  rows.push(...sourceRows(data.entry, data.commit));
  rows.push(['Cause of build', describeCause(data.cause)]);
  const earlier = data.causeChain.slice(0, -1);
  if (earlier.length > 0) rows.push(['Started by', earlier.map(describeCause).join(' ← ')]);
  rows.push(['Build id', data.buildId], ['Duration', formatDuration(data.timings.durationMs)]);

  const sections: MailSection[] = [{ heading: `Container build ${name}: ${status}`, rows }, changes(input)];
  const lintKey = data.reports.lint ?? input.reports.get('lint.json');
  const lint = lintKey ? await readLintDigest(store, lintKey) : null;
  sections.push(lint ? lintSection(lint) : { heading: 'Dockerfile lint', items: ['No lint report was stored for this build.'] });
  sections.push({ heading: 'Reports', links: await reportLinks(input.reports, linker) });
  return { subject: `[${registryName(data.image?.ref, input.registry)}] ${status}: Container build ${name}`, status, sections };
}

function changes(input: BuildMailInput): MailSection {
  const { data, previous } = input;
  const items = changeItems(data.cause, data.entry, input.parent ?? null);
  if (!previous) items.push('No earlier build of this image is on record.');
  else {
    const was = previous.digest ? `${previous.digest} (build ${previous.buildId}, ${previous.outcome})` : `build ${previous.buildId} (${previous.outcome})`;
    items.push(`Previous image: ${was}`);
    if (data.image?.digest && previous.digest === data.image.digest) items.push('The new image is identical to the previous one (same digest).');
  }
  items.push('Installed packages are compared after the scan, in the scan mail.');
  return { heading: 'What changed', items };
}
