import { InvalidKeyError } from './errors';
import {
  buildRecordKey,
  buildRecordsPrefix,
  deadLetterKey,
  imageStateKey,
  parseBuildRecordKey,
  parseImageStateKey,
  repoStateKey,
  reportKey,
  reportsPrefix,
} from './keys';

const heketi = { appId: 'gluster', jobId: 'storagesig-heketi', desiredTag: 'testing' };
const nested = { appId: 'centos', jobId: 'sig/tools', desiredTag: '7.9' };

describe('object-store layout keys', () => {
  it.each([
    [reportKey(heketi, '20260101T000000Z-abc', 'lint.json'), 'reports/gluster/storagesig-heketi/testing/20260101T000000Z-abc/lint.json'],
    [reportKey(nested, 'b1', 'sbom.cdx.json'), 'reports/centos/sig/tools/7.9/b1/sbom.cdx.json'],
    [reportsPrefix(heketi), 'reports/gluster/storagesig-heketi/testing/'],
    [buildRecordKey(heketi, 'b1'), 'state/builds/gluster/storagesig-heketi/testing/b1.json'],
    [buildRecordsPrefix(nested), 'state/builds/centos/sig/tools/7.9/'],
    [imageStateKey(heketi), 'state/images/gluster/storagesig-heketi/testing.json'],
    [repoStateKey('mirror.centos.org-7-os-x86_64'), 'state/repos/mirror.centos.org-7-os-x86_64.json'],
  ])('%s', (key, expected) => {
    expect(key).toEqual(expected);
  });

  it.each([
    ['file', '../etc/passwd', () => reportKey(heketi, 'b1', '../etc/passwd')],
    ['buildId', '', () => reportKey(heketi, '', 'lint.json')],
    ['appId', 'a/b', () => reportKey({ ...heketi, appId: 'a/b' }, 'b1', 'lint.json')],
    ['jobId', 'x//y', () => reportKey({ ...heketi, jobId: 'x//y' }, 'b1', 'lint.json')],
    ['jobId', '../up', () => reportKey({ ...heketi, jobId: '../up' }, 'b1', 'lint.json')],
    ['desiredTag', 'a/b', () => imageStateKey({ ...heketi, desiredTag: 'a/b' })],
    ['repoKey', 'http://x/y', () => repoStateKey('http://x/y')],
    ['trigger', '../lint', () => deadLetterKey('../lint', 's', 'i')],
  ])('refuses %s %j, which would change the layout', (field, _value, make) => {
    let caught: unknown;
    try {
      make();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidKeyError);
    expect((caught as InvalidKeyError).errors[0]!.field).toEqual(field);
  });

  it('makes dead-letter keys key-safe and the same for a redelivery', () => {
    const key = deadLetterKey('lint', 'https://example.com/a b?c=d', 'id/with/slashes and ✓');
    expect(key).toMatch(/^deadletters\/lint\/[0-9a-f]{32}\.json$/);
    expect(deadLetterKey('lint', 'https://example.com/a b?c=d', 'id/with/slashes and ✓')).toEqual(key);
    expect(deadLetterKey('lint', 'https://example.com/a b?c=d', 'other')).not.toEqual(key);
    // source and id are kept apart: ("a\nb", "c") is not ("a", "b\nc")
    expect(deadLetterKey('lint', 'ab', 'c')).not.toEqual(deadLetterKey('lint', 'a', 'bc'));
    expect(deadLetterKey('lint', 's', 'i', new Date('2026-01-02T03:04:05.678Z'))).toMatch(/^deadletters\/lint\/2026-01-02T03-04-05-678Z-[0-9a-f]{32}\.json$/);
  });

  it.each([heketi, nested])('parses image state and build record keys back (%j)', (ref) => {
    expect(parseImageStateKey(imageStateKey(ref))).toEqual(ref);
    expect(parseBuildRecordKey(buildRecordKey(ref, 'b-7'))).toEqual({ ref, buildId: 'b-7' });
  });

  it.each(['state/images/x.json', 'reports/a/b/c/d/e', 'state/builds/a/b.json'])('parses other keys to null (%s)', (key) => {
    expect(parseImageStateKey(key)).toBeNull();
    expect(parseBuildRecordKey(key)).toBeNull();
  });
});
