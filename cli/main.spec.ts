import { main } from './main';
import type { CliIo } from './types';

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', env: {}, cwd: process.cwd(), stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe('ccp main', () => {
  it.each([
    [[], 2, /Commands:\n {2}run/],
    [['--help'], 0, /index validate/],
  ])('prints the command list for %j', async (argv, code, text) => {
    const io = capture();
    await expect(main(argv, io)).resolves.toEqual(code);
    expect(io.out).toMatch(text);
  });

  it('refuses an unknown command with status 2', async () => {
    const io = capture();
    await expect(main(['frobnicate'], io)).resolves.toEqual(2);
    expect(io.err).toContain('unknown command "frobnicate"');
  });

  it("prints a command's usage with --help", async () => {
    const io = capture();
    await expect(main(['run', '--help'], io)).resolves.toEqual(0);
    expect(io.out).toMatch(/^Usage: ccp run --index/);
  });

  it('reports a missing global option value with status 2', async () => {
    const io = capture();
    await expect(main(['run', '--data-dir'], io)).resolves.toEqual(2);
    expect(io.err).toContain('--data-dir: needs a value');
  });

  it('names the missing --index of ccp run', async () => {
    const io = capture();
    await expect(main(['run', '--once'], io)).resolves.toEqual(2);
    expect(io.err).toContain('--index: name an index folder or git URL');
  });
});
