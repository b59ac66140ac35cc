import { tokenize, type Token } from './tokenize';

const VARS = { IMAGE: 'reg/app:1', NAME: 'app' };
const words = (tokens: Token[]): string[] => tokens.flatMap((token) => (token.kind === 'word' ? [token.value] : []));

describe("tokenize (the one shell tokenizer: lint RUN scripts, the capabilities scanner's RUN label)", () => {
  it.each<[string, string, string[]]>([
    ['blanks', 'docker  run\t-it ${IMAGE}', ['docker', 'run', '-it', 'reg/app:1']],
    ['single quotes keep everything', 'echo \'$IMAGE "x"\'', ['echo', '$IMAGE "x"']],
    ['double quotes expand and escape', 'echo "a b ${NAME} \\"q\\" \\$HOME"', ['echo', 'a b app "q" $HOME']],
    ['backslash outside quotes', 'a\\ b c\\"d', ['a b', 'c"d']],
    ['line continuation', 'docker run \\\n --privileged $IMAGE', ['docker', 'run', '--privileged', 'reg/app:1']],
    ['unknown variables stay as written', 'echo ${OTHER} $HOME $ $IMAGEX', ['echo', '${OTHER}', '$HOME', '$', '$IMAGEX']],
    ['adjacent parts make one word', '-v=/"a b"/c', ['-v=/a b/c']],
    ['empty quotes are a word', "x '' y", ['x', '', 'y']],
    ['operators end words', 'a&&b;c | d', ['a', 'b', 'c', 'd']],
  ])('%s, with variables', (_, text, expected) => {
    const notes: string[] = [];
    expect(words(tokenize(text, { variables: VARS, notes }))).toEqual(expected);
    expect(notes).toEqual([]);
  });

  it('leaves every variable as written without a variables table (the lint reads scripts as written)', () => {
    expect(words(tokenize('echo $IMAGE "${NAME}"'))).toEqual(['echo', '$IMAGE', '${NAME}']);
  });

  it.each<[string, string, string[], string[]]>([
    ['double', 'docker run "--privileged ${IMAGE}', ['docker', 'run', '--privileged reg/app:1'], ['unterminated double quote at column 12; read to the end']],
    ['single', "a 'b c", ['a', 'b c'], ['unterminated single quote at column 3; read to the end']],
  ])('reads an unterminated %s quote to the end and says so', (_, text, expected, expectedNotes) => {
    const notes: string[] = [];
    expect(words(tokenize(text, { variables: VARS, notes }))).toEqual(expected);
    expect(notes).toEqual(expectedNotes);
  });

  it('gives operators and command substitutions as their own tokens', () => {
    expect(tokenize('a && b $(c) > f\n')).toEqual([
      { kind: 'word', value: 'a', raw: 'a' },
      { kind: 'op', value: '&&' },
      { kind: 'word', value: 'b', raw: 'b' },
      { kind: 'word', value: '$(c)', raw: '$(c)' },
      { kind: 'sub', script: 'c' },
      { kind: 'op', value: '>' },
      { kind: 'word', value: 'f', raw: 'f' },
      { kind: 'op', value: '\n' },
    ]);
  });
});
