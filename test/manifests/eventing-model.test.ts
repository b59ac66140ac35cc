import { typesOfFilter } from './eventing-model';

const A = 'org.centos.ccp.build.requested';
const B = 'org.centos.ccp.scan.requested';

describe('typesOfFilter (how the routing checks read a Trigger)', () => {
  it.each([
    ['attributes.type', { filter: { attributes: { type: A } } }, [A]],
    ['attributes without type', { filter: { attributes: { source: '/x' } } }, null],
    ['an empty type, which matches anything', { filter: { attributes: { type: '' } } }, null],
    ['no filter at all', {}, null],
    ['filters: exact type', { filters: [{ exact: { type: A } }] }, [A]],
    ['filters: exact type and exact source', { filters: [{ exact: { type: A } }, { exact: { source: '/x' } }] }, [A]],
    ['filters: any of two exact types', { filters: [{ any: [{ exact: { type: A } }, { exact: { type: B } }] }] }, [A, B]],
    ['filters: all of an any and an exact', { filters: [{ all: [{ any: [{ exact: { type: A } }, { exact: { type: B } }] }, { exact: { type: B } }] }] }, [B]],
    ['filters: a prefix on type', { filters: [{ prefix: { type: 'org.centos.' } }] }, null],
    ['filters: a prefix on source only', { filters: [{ exact: { type: A } }, { prefix: { source: '/ccp' } }] }, [A]],
    ['filters: an any with an unbounded branch', { filters: [{ any: [{ exact: { type: A } }, { exact: { source: '/x' } }] }] }, null],
    ['filters: not', { filters: [{ not: { exact: { type: A } } }] }, null],
    ['filters: cesql', { filters: [{ cesql: "type = 'x'" }] }, null],
    ['filters win over filter', { filter: { attributes: { type: B } }, filters: [{ exact: { type: A } }] }, [A]],
  ])('%s', (_case, spec, expected) => {
    expect(typesOfFilter(spec)).toEqual(expected);
  });
});
