import { ValidationError } from '../../shared/errors/validation-error';
import { checkProjectImage } from './project-image';

const REGISTRY = '127.0.0.1:5000';
const PROJECT = { appId: 'team', jobId: 'web', desiredTag: 'latest' };
const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

function refusal(run: () => void): unknown {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof ValidationError ? { message: error.message, errors: error.errors } : error;
  }
}

describe('checkProjectImage', () => {
  it.each([
    ["the project's image by tag", PROJECT, { ref: `${REGISTRY}/team/web:latest` }],
    ["the project's image by tag and digest", PROJECT, { ref: `${REGISTRY}/team/web:latest`, digest: DIGEST }],
    ['another tag pinned by a digest beside it', PROJECT, { ref: `${REGISTRY}/team/web:v1`, digest: DIGEST }],
    ['a digest in the reference', PROJECT, { ref: `${REGISTRY}/team/web@${DIGEST}` }],
    ['the registry in other letter case', PROJECT, { ref: 'LOCALHOST:5000/team/web:latest' }, 'localhost:5000'],
    ['a library image (no namespace, as the build pushes it)', { appId: 'library', jobId: 'centos', desiredTag: '7' }, { ref: `${REGISTRY}/centos:7` }],
  ])('takes %s', (_name, project, image, registry = REGISTRY) => {
    expect(refusal(() => checkProjectImage(project, image, registry, 'data.image'))).toEqual(null);
  });

  it.each([
    [
      'another repository of the registry',
      { ref: `${REGISTRY}/victim/app:latest`, digest: DIGEST },
      [['data.image.ref', "repository victim/app is not team/web, the project's"]],
    ],
    [
      "a repository under the project's",
      { ref: `${REGISTRY}/team/web/extra:latest` },
      [['data.image.ref', "repository team/web/extra is not team/web, the project's"]],
    ],
    ["a prefix of the project's repository", { ref: `${REGISTRY}/team/we:latest` }, [['data.image.ref', "repository team/we is not team/web, the project's"]]],
    [
      "the project's repository in another registry",
      { ref: 'quay.io/team/web:latest', digest: DIGEST },
      [['data.image.ref', "registry quay.io is not the pipeline's registry 127.0.0.1:5000"]],
    ],
    [
      'the metadata address',
      { ref: '169.254.169.254/x:y' },
      [
        ['data.image.ref', "registry 169.254.169.254 is not the pipeline's registry 127.0.0.1:5000"],
        ['data.image.ref', "repository x is not team/web, the project's"],
        ['data.image.ref', "tag y is not the project's latest, and no digest pins the image"],
      ],
    ],
    [
      'another tag without a digest',
      { ref: `${REGISTRY}/team/web:old` },
      [['data.image.ref', "tag old is not the project's latest, and no digest pins the image"]],
    ],
    [
      'two digests that differ',
      { ref: `${REGISTRY}/team/web@${DIGEST}`, digest: OTHER },
      [['data.image.digest', `${OTHER} differs from the reference's ${DIGEST}`]],
    ],
    ['no registry host', { ref: 'team/web:latest' }, [['data.image.ref', 'no registry host (write host:port/name:tag, or configure a registry)']]],
  ])('refuses %s, naming the field', (_name, image, issues) => {
    const refused = refusal(() => checkProjectImage(PROJECT, image, REGISTRY, 'data.image')) as {
      message: string;
      errors: { field: string; message: string }[];
    };
    expect([
      refused.message.startsWith(`${JSON.stringify(image.ref)} is not an image of team/web:latest: `),
      refused.errors.map((issue) => [issue.field, issue.message]),
    ]).toEqual([true, issues]);
  });

  it('refuses every image when no pipeline registry is configured', () => {
    expect(refusal(() => checkProjectImage(PROJECT, { ref: `${REGISTRY}/team/web:latest` }, '', 'data.image'))).toEqual({
      message: `"${REGISTRY}/team/web:latest" is not an image of team/web:latest: data.image.ref: no pipeline registry is configured (CCP_REGISTRY): no image can be checked to be the project's`,
      errors: [{ field: 'data.image.ref', message: "no pipeline registry is configured (CCP_REGISTRY): no image can be checked to be the project's" }],
    });
  });
});
