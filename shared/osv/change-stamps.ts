import type { OsvAdvisoryChangedData } from '../events/contracts/osv-advisory-changed';

/**
 * What names one `osv.advisory-changed`: each advisory's id and `modified` time, and each
 * image's package moves (`image name from>to repo`). track-repos hashes them into the event id,
 * the dispatcher into the cascade id. A pip, npm or gem fix that ships after its advisory was
 * first told moves another image or package than that first event did, so it is another change
 * (a cascade of the advisory's stamps alone would be taken for a replay and build nothing);
 * the same change told twice is still one.
 * @see ../../functions/track-repos/readme.md#rebuild-on-advisory
 */
export function advisoryChangeStamps(data: OsvAdvisoryChangedData): string[] {
  return [
    ...data.advisories.map((advisory) => `${advisory.id}@${advisory.modified}`),
    ...data.images.flatMap((image) => image.packages.map((pkg) => `${image.image} ${pkg.name} ${pkg.from}>${pkg.to} ${pkg.repo ?? ''}`)),
  ];
}
