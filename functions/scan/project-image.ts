import { ValidationError, type Issue } from '../../shared/errors/validation-error';
import type { ImageRef } from '../../shared/events/contracts/parts';
import { parseImageReference, type ImageReference } from '../../shared/registry/reference';
import { imageName, type ProjectRef } from '../../shared/index/types';
import { imageRefFor } from '../../shared/index/image-spec';

/**
 * Refuses an image that is not the project's own before anything is fetched or stored: the
 * scan writes the project's `scan.json`/`scan.html` and points `state/images/<project>` at what
 * it scanned, so a `scan.requested` (or `build.completed`) for project P naming another
 * repository's image would pass that image off as P's. The reference must be the repository the
 * build pushes P to (`<app-id>/<job-id>`, `<job-id>` for `library`: {@link imageRefFor}) in the
 * pipeline's registry (`CCP_REGISTRY`), with P's tag unless a digest pins it; a digest given
 * both in the reference and beside it must agree. Throws a {@link ValidationError} naming
 * `<field>.ref` or `<field>.digest`.
 * @see ../../shared/reports/readme.md
 */
export function checkProjectImage(project: ProjectRef, image: ImageRef, registry: string, field: string): void {
  const issues: Issue[] = [];
  const bad = (name: 'ref' | 'digest', message: string): void => void issues.push({ field: `${field}.${name}`, message });
  if (!registry) {
    bad('ref', "no pipeline registry is configured (CCP_REGISTRY): no image can be checked to be the project's");
  } else {
    let parsed: ImageReference | null = null;
    try {
      parsed = parseImageReference(image.ref);
    } catch (error) {
      bad('ref', error instanceof ValidationError ? (error.errors[0]?.message ?? error.message) : 'not an image reference');
    }
    if (parsed) {
      const expected = parseImageReference(imageRefFor(registry, project));
      if (parsed.registry.toLowerCase() !== expected.registry.toLowerCase())
        bad('ref', `registry ${parsed.registry} is not the pipeline's registry ${expected.registry}`);
      if (parsed.repository !== expected.repository) bad('ref', `repository ${parsed.repository} is not ${expected.repository}, the project's`);
      const digest = parsed.digest ?? image.digest;
      if (parsed.digest && image.digest && parsed.digest !== image.digest) bad('digest', `${image.digest} differs from the reference's ${parsed.digest}`);
      if (!digest && parsed.tag !== project.desiredTag)
        bad('ref', `tag ${parsed.tag ?? '(none)'} is not the project's ${project.desiredTag}, and no digest pins the image`);
    }
  }
  if (issues.length > 0) throw new ValidationError(`${JSON.stringify(image.ref)} is not an image of ${imageName(project)}`, issues);
}
