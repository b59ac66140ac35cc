import { EventTypes } from '../../shared/events';
import type { FunctionDefinition } from '../types';
import { FUNCTION_NAME, handle } from './handle';

/** Mails build and scan outcomes, and cascades as one mail per recipient, with links to the reports. */
export const notifyFunction: FunctionDefinition = {
  name: FUNCTION_NAME,
  accepts: [EventTypes.buildCompleted, EventTypes.scanCompleted, EventTypes.noticeRequested],
  handle,
};
