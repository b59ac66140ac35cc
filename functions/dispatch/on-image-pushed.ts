import type { CloudEvent } from 'cloudevents';
import { planCascade } from './planning/cascade-plan';
import { shortHash } from '../../shared/cascade/keys';
import type { ImagePushedData } from '../../shared/events/contracts/image-pushed';
import { BuildRecords } from '../../shared/builds/records';
import { registryClientFor } from '../../shared/registry/pipeline-registry';
import { readBounded } from '../../shared/registry/registry-client';
import { imageName, parseImageName } from '../../shared/index/types';
import type { FunctionContext } from '../../shared/function/types';
import { currentIndex, dispatchSettings, type DispatchContext } from './dispatcher-state';
import { startCascade } from './emit';

/** The label every image the pipeline builds carries (see shared/index/image-spec.ts). */
export const BUILD_ID_LABEL = 'org.centos.ccp.build-id';

/** `app-id/job-id:tag` of a pushed repository (`name` alone is the `library` app). */
export function pushedImageName(data: ImagePushedData): string | null {
  const repository = data.repository.includes('/') ? data.repository : `library/${data.repository}`;
  const ref = parseImageName(`${repository}:${data.tag ?? 'latest'}`);
  return ref ? imageName(ref) : null;
}

/**
 * An image pushed to the registry from outside the pipeline (a base image pushed by hand):
 * everything built on it rebuilds, as one cascade. A push the pipeline made itself (its image
 * carries our build-id label, or a build record reports its digest) is ignored: its build's
 * own `build.completed` moves the cascade on, so nothing rebuilds twice.
 */
export async function onImagePushed(data: ImagePushedData, event: CloudEvent<unknown>, context: DispatchContext): Promise<CloudEvent<unknown>[]> {
  const name = pushedImageName(data);
  if (!name || !data.tag) return [];
  const view = await currentIndex(context);
  if (view.graph.children(name).length === 0) return [];
  const log = context.log.child({ eventId: event.id, project: name, digest: data.digest });
  const ours = await builtByPipeline(data, name, context);
  if (ours) {
    log.info('push made by a build of the pipeline; its build.completed cascades', { buildId: ours });
    return [];
  }
  const why = `${name} was pushed to the registry as ${data.digest.slice(0, 19)}`;
  const planned = planCascade({
    id: `pushed-${shortHash(data.repository, data.tag, data.digest)}`,
    cause: { kind: 'parent-rebuilt', message: `${why}, outside the pipeline`, parent: name },
    seeds: [],
    origin: { name, entry: view.entries.get(name), cause: { kind: 'manual', message: `A new image was pushed to the registry (${data.digest.slice(0, 19)})` } },
    graph: view.graph,
    entries: view.entries,
    maxInFlight: dispatchSettings(context).maxInFlight,
    now: new Date(),
  });
  return planned ? startCascade(planned, context) : [];
}

/** The build id that made this image, from its label or a build record; `null` for a push from outside. */
async function builtByPipeline(data: ImagePushedData, name: string, context: FunctionContext): Promise<string | null> {
  const registry = data.registry ?? context.config.registry;
  // The login goes to the configured registry only, never to another host a notification names;
  // a registry outside the allow-list is not read at all (its image is no build of ours).
  const client = registryClientFor(context.config);
  if (registry && client.allows(registry)) {
    const ref = { registry, repository: data.repository, digest: data.digest };
    const { manifest } = await client.resolveManifest(ref);
    const blob = await readBounded(await client.blob(ref, manifest.config.digest), `config blob ${manifest.config.digest}`);
    const config = JSON.parse(blob.toString('utf8')) as { config?: { Labels?: Record<string, string> | null } };
    const label = config.config?.Labels?.[BUILD_ID_LABEL];
    if (label) return label;
  }
  const project = parseImageName(name);
  if (!project) return null;
  const records = await new BuildRecords(context.store).list(project);
  return records.find((record) => record.image?.digest === data.digest)?.buildId ?? null;
}
