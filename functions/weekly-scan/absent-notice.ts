import type { CloudEvent } from 'cloudevents';
import { createScanHandler } from '../scan/handle';
import type { FunctionContext } from '../../shared/function/types';

/**
 * The scan function's own answer to an image the registry does not have, made here without a
 * second look at the registry: its handler runs the request with an image source that says
 * "absent", so the reports, `scan.json` with every scanner `skipped` and the seed's reason
 * ("Image is absent in the registry, scan is aborted."), and the `scan.completed` (id derived
 * from the request's, so a redelivery is a duplicate) are exactly what the scan function makes,
 * and notify mails it like any weekly scan.
 * @see ../scan/scan-image.ts
 */
export async function absentImageNotice(request: CloudEvent<unknown>, context: FunctionContext): Promise<CloudEvent<unknown>[]> {
  return createScanHandler({ source: async () => null })(request, context);
}
