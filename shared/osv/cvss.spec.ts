import { advisorySeverity, cvssBaseScore, severityBand } from './cvss';

describe('cvssBaseScore', () => {
  // The worked examples of the CVSS v3.1 specification's examples document.
  it.each([
    ['CVE-2013-1937 (phpMyAdmin XSS)', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVE-2013-0375 (MySQL)', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
    ['CVE-2014-3566 (POODLE)', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1],
    ['CVE-2012-1516 (VMware)', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
    ['CVE-2014-0160 (Heartbleed)', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5],
    ['CVE-2014-6271 (Shellshock)', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVE-2015-8540 (libpng, local)', 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 7.8],
    ['a v3.0 vector', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['no impact', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
    ['temporal metrics do not change the base', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U', 9.8],
  ])('%s: %s is %d', (_name, vector, score) => {
    expect(cvssBaseScore('CVSS_V3', vector)).toEqual(score);
  });

  it.each([
    ['CVSS_V4', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3],
    ['CVSS_V2', 'AV:N/AC:L/Au:N/C:P/I:P/A:P', 7.5],
  ])('%s %s is %d', (type, vector, score) => {
    expect(cvssBaseScore(type, vector)).toEqual(score);
  });

  it.each([
    ['a vector without all base metrics', 'CVSS_V3', 'CVSS:3.1/AV:N/AC:L'],
    ['not a vector', 'CVSS_V3', 'HIGH'],
    ['a v3 vector given as v4', 'CVSS_V4', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['an unknown type', 'Ubuntu', 'high'],
  ])('is null for %s', (_name, type, vector) => {
    expect(cvssBaseScore(type, vector)).toBeNull();
  });
});

describe('severityBand', () => {
  it.each([
    [0, 'none'],
    [0.1, 'low'],
    [3.9, 'low'],
    [4, 'medium'],
    [6.9, 'medium'],
    [7, 'high'],
    [8.9, 'high'],
    [9, 'critical'],
    [10, 'critical'],
  ])('%d is %s', (score, band) => {
    expect(severityBand(score)).toEqual(band);
  });
});

describe('advisorySeverity', () => {
  const v3 = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' };
  const v4 = { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' };

  it.each([
    ['the v3 vector over v4', [], [v4, v3], undefined, { band: 'high', score: 7.5, vector: v3.score, source: 'CVSS_V3' }],
    ["the package's own over the record's", [v4], [v3], undefined, { band: 'critical', score: 9.3, vector: v4.score, source: 'CVSS_V4' }],
    ["the database's word without a vector", [], [], 'MODERATE', { band: 'medium', source: 'database_specific' }],
    ["Red Hat's word", [], [{ type: 'CVSS_V3', score: 'broken' }], 'Important', { band: 'high', source: 'database_specific' }],
    ['unknown when nothing says', [], [], undefined, { band: 'unknown' }],
  ])('takes %s', (_name, own, record, word, expected) => {
    expect(advisorySeverity(own, record, word)).toEqual(expected);
  });
});
