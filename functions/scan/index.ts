import { registryClientFor } from '../../shared/registry/pipeline-registry';
import type { FunctionDefinition } from '../../shared/function/types';
import { createScanHandler, FUNCTION_NAME } from './handle';
import { registryImageSource } from './registry-source';
import { SCAN_MANIFEST } from './manifest';

/**
 * Scans every image a build pushed, and every image a scan is requested for, without running
 * it; stores scan.json, scan.html and the CycloneDX SBOM. Images are read with the pipeline
 * registry's login and TLS mode (`CCP_REGISTRY_*`), sent to that registry only.
 */
export const scanFunction: FunctionDefinition = {
  name: FUNCTION_NAME,
  accepts: SCAN_MANIFEST.accepts,
  handle: (event, context) =>
    createScanHandler({
      source: registryImageSource({
        defaultRegistry: context.config.registry || undefined,
        client: registryClientFor(context.config),
      }),
    })(event, context),
};
