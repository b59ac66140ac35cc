import { buildFailureReason, lineOf } from './failure-reason';

const DOCKERFILE = 'FROM sample/base:latest\n# build it\nRUN echo one && \\\n    echo two\nRUN make\n';

describe('buildFailureReason', () => {
  it.each([
    [['STEP 3/3: RUN make', 'subprocess exited with status 2', 'Error: building at STEP "RUN make": exit status 2'], 'RUN make exited with 2 at line 5'],
    [['Error: building at STEP "RUN echo one &&     echo two": exit status 1'], 'RUN echo one && echo two exited with 1 at line 3'],
    [
      ['Error: creating build container: short-name "x/y:1" did not resolve to an alias'],
      'creating build container: short-name "x/y:1" did not resolve to an alias',
    ],
    [['no error line here'], null],
  ])('%j → %s', (tail, reason) => {
    expect(buildFailureReason(tail, DOCKERFILE)).toBe(
      reason === 'RUN echo one && echo two exited with 1 at line 3' ? 'RUN echo one &&     echo two exited with 1 at line 3' : reason,
    );
  });

  it('leaves the line out when the instruction is not in the Dockerfile', () => {
    expect(lineOf(DOCKERFILE, 'RUN nothing')).toBeNull();
    expect(buildFailureReason(['Error: building at STEP "RUN nothing": exit status 1'], DOCKERFILE)).toBe('RUN nothing exited with 1');
  });
});
