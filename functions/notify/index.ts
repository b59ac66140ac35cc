import type { FunctionDefinition } from '../../shared/function/types';
import { FUNCTION_NAME, handle } from './handle';
import { NOTIFY_MANIFEST } from './manifest';
import { notifyServices, type NotifyServices } from './settings';

/** Mails build and scan outcomes, and cascades as one mail per recipient, with links to the reports. */
export const notifyFunction: FunctionDefinition<NotifyServices> = {
  name: FUNCTION_NAME,
  accepts: NOTIFY_MANIFEST.accepts,
  handle,
  services: notifyServices,
};
