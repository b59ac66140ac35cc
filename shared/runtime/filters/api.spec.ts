import { CloudEvent } from 'cloudevents';
import type { Issue } from '../../errors/validation-error';
import { compileAttributesFilter, compileFilterExpression, compileFilters, FILTER_DIALECTS } from './api';

const event = new CloudEvent<unknown>({
  id: 'e-1',
  source: '/ccp/lint',
  type: 'org.centos.ccp.lint.completed',
  subject: 'gluster/heketi:testing',
  ccpcause: 'git-push',
  data: {},
});

function compile(expression: unknown): { matches: boolean; issues: Issue[] } {
  const issues: Issue[] = [];
  const matcher = compileFilterExpression(expression, 'triggers/x.yaml', 'spec.filters[0]', issues);
  return { matches: matcher(event), issues };
}

/** One expression that matches the event and one that does not, for every dialect but cesql. */
const CASES: Record<string, [unknown, unknown]> = {
  exact: [{ exact: { type: 'org.centos.ccp.lint.completed' } }, { exact: { type: 'org.centos.ccp.lint' } }],
  prefix: [{ prefix: { type: 'org.centos.ccp.' } }, { prefix: { type: 'dev.knative.' } }],
  suffix: [{ suffix: { subject: ':testing' } }, { suffix: { subject: ':latest' } }],
  all: [
    { all: [{ exact: { source: '/ccp/lint' } }, { prefix: { type: 'org.' } }] },
    { all: [{ exact: { source: '/ccp/lint' } }, { prefix: { type: 'dev.' } }] },
  ],
  any: [
    { any: [{ exact: { source: '/ccp/build' } }, { exact: { source: '/ccp/lint' } }] },
    { any: [{ exact: { source: '/ccp/build' } }, { exact: { source: '/ccp/scan' } }] },
  ],
  not: [{ not: { exact: { source: '/ccp/build' } } }, { not: { exact: { source: '/ccp/lint' } } }],
};

describe('filter dialects', () => {
  it('has a matching and a non-matching case for every registered dialect but cesql', () => {
    expect([...FILTER_DIALECTS.keys()].filter((name) => name !== 'cesql').sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(CASES))('%s matches and rejects as Knative does', (_name, [yes, no]) => {
    expect(compile(yes)).toEqual({ matches: true, issues: [] });
    expect(compile(no)).toEqual({ matches: false, issues: [] });
  });

  it.each([
    [{ exact: { ccpcause: 'git-push' } }, true],
    [{ exact: { ccpcause: 'manual' } }, false],
    [{ exact: { missing: 'x' } }, false],
    [{ prefix: { missing: 'x' } }, false],
    [{ all: [] }, true],
    [{ any: [] }, true],
    [{ not: { all: [] } }, false],
  ])('%j on extensions and edge cases gives %s', (expression, matches) => {
    expect(compile(expression)).toEqual({ matches, issues: [] });
  });

  it.each([
    [{ cesql: "type = 'x'" }, 'spec.filters[0].cesql', expect.stringContaining('cesql dialect is not supported by the embedded broker')],
    [{ regex: { type: 'x' } }, 'spec.filters[0].regex', expect.stringContaining('unknown filter dialect')],
    [{ exact: { type: 'a', source: 'b' } }, 'spec.filters[0].exact', 'exact needs exactly one attribute: value pair'],
    [{ prefix: { type: '' } }, 'spec.filters[0].prefix.type', 'must be a non-empty string'],
    [{ any: { exact: { type: 'a' } } }, 'spec.filters[0].any', 'any must be a list of filter expressions'],
    [{ exact: { type: 'a' }, prefix: { type: 'b' } }, 'spec.filters[0]', expect.stringContaining('exactly one of exact, prefix')],
    [{ all: [{ cesql: 'true' }] }, 'spec.filters[0].all[0].cesql', expect.stringContaining('not supported')],
  ])('refuses %j at %s', (expression, field, message) => {
    const { matches, issues } = compile(expression);
    expect(matches).toBe(false);
    expect(issues).toEqual([{ file: 'triggers/x.yaml', field, message }]);
  });

  it('ANDs the list of spec.filters', () => {
    const issues: Issue[] = [];
    const both = compileFilters([{ prefix: { type: 'org.' } }, { exact: { source: '/ccp/lint' } }], 'f', 'spec.filters', issues);
    const oneFails = compileFilters([{ prefix: { type: 'org.' } }, { exact: { source: '/ccp/scan' } }], 'f', 'spec.filters', issues);
    expect([both(event), oneFails(event), issues]).toEqual([true, false, []]);
  });
});

describe('spec.filter.attributes', () => {
  it.each([
    [{ type: 'org.centos.ccp.lint.completed' }, true],
    [{ type: 'org.centos.ccp.lint.completed', source: '/ccp/lint' }, true],
    [{ type: 'org.centos.ccp.lint.completed', source: '/ccp/build' }, false],
    [{ ccpcause: 'git-push' }, true],
    [{ type: '' }, true],
    [{}, true],
  ])('%j matches: %s', (attributes, matches) => {
    const issues: Issue[] = [];
    expect(compileAttributesFilter(attributes, 'f', 'spec.filter.attributes', issues)(event)).toBe(matches);
    expect(issues).toEqual([]);
  });

  it('refuses a value that is not a string', () => {
    const issues: Issue[] = [];
    compileAttributesFilter({ type: 3 }, 'f', 'spec.filter.attributes', issues);
    expect(issues).toEqual([{ file: 'f', field: 'spec.filter.attributes.type', message: 'must be a string' }]);
  });
});
