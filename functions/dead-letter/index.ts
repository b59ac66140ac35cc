import type { FunctionDefinition } from '../../shared/function/types';
import { createDeadLetterHandler, FUNCTION_NAME } from './handle';
import { DEAD_LETTER_MANIFEST } from './manifest';

/**
 * Stores the events Knative could not deliver. A sink, not a subscriber: the Broker names it as
 * its `deadLetterSink` (eventing/broker.yaml) and no Trigger routes to it.
 */
export const deadLetterFunction: FunctionDefinition = {
  name: FUNCTION_NAME,
  accepts: DEAD_LETTER_MANIFEST.accepts,
  sink: true,
  handle: createDeadLetterHandler(),
};
