import express from 'express';
import { registryNotificationRoutes } from '../../shared/registry/notifications';
import type { FunctionDefinition } from '../../shared/function/types';
import { FUNCTION_NAME, handle } from './handle';
import { BUILD_MANIFEST } from './manifest';
import { buildServices, disposeBuildServices, type BuildServices } from './service-for';

/**
 * Builds and pushes the image of every `lint.completed` that does not block; with the
 * kubernetes backend, finishes builds from their Jobs' status events. In the cluster it
 * also serves the registry's push notifications (`POST /registry/notifications`, turned into
 * `image.pushed`), since the registry it pushes to is the one that notifies.
 */
export const buildFunction: FunctionDefinition<BuildServices> = {
  name: FUNCTION_NAME,
  accepts: BUILD_MANIFEST.accepts,
  handle,
  services: buildServices,
  disposeServices: disposeBuildServices,
  routes: (context, publish) =>
    express.Router().use('/registry', registryNotificationRoutes({ publish, log: context.log, tokens: [context.config.registryNotifyToken] })),
};

export { BuildService, completedEvent, type BuildProgress, type BuildServiceOptions } from './service';
export { buildServices, disposeBuildServices, registryAccess, type BuildContext, type BuildServices } from './service-for';
export { completesFromEvents, projectOfCompletion, type CompletingBuilder, type JobCompletion } from './job-completion';
export { buildLabels, imageRefFor, lintBlockReason, parentImagesOf } from '../../shared/index/image-spec';
