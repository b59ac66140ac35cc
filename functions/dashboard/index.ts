import express from 'express';
import { ValidationError } from '../../shared/errors/validation-error';
import type { FunctionDefinition } from '../../shared/function/types';
import { reportRoutes } from '../../shared/host/report-routes';
import { signatureRoutes } from '../../shared/host/signature-routes';
import { DASHBOARD_MANIFEST } from './manifest';
import { dashboardRoutes } from './routes';

/**
 * The read-only web dashboard as its own Knative Service (`ccp-dashboard`): the pages of
 * {@link dashboardRoutes} over the object store the pipeline writes, and the stored reports
 * they link to under `/reports/`, and the image signatures' lookaside under `/sigstore/`. It takes no event: no Trigger subscribes it, and a CloudEvent
 * posted to it is refused.
 * @see ../../README.md#dashboard
 */
export const dashboardFunction: FunctionDefinition = {
  name: DASHBOARD_MANIFEST.name,
  accepts: DASHBOARD_MANIFEST.accepts,
  handle: () => Promise.reject(new ValidationError('the dashboard takes no events', [{ field: 'type', message: 'no event type is handled by the dashboard' }])),
  routes: (context, publish) =>
    express
      .Router()
      .use(reportRoutes(context.store, { log: context.log }))
      .use(signatureRoutes(context.store))
      .use(
        dashboardRoutes({
          store: context.store,
          listProjects: async () => (await context.listProjects?.()) ?? [],
          log: context.log,
          publish,
          ...(context.config.dashboardAdminToken ? { adminToken: context.config.dashboardAdminToken } : {}),
        }),
      ),
};

export { dashboardRoutes, DASHBOARD_CSP, type DashboardOptions } from './routes';
