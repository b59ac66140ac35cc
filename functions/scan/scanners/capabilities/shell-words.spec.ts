import { splitShellWords } from './shell-words';

const VARS = { IMAGE: 'reg/app:1', NAME: 'app' };

describe('splitShellWords', () => {
  it.each<[string, string, string[]]>([
    ['blanks', 'docker  run\t-it ${IMAGE}', ['docker', 'run', '-it', 'reg/app:1']],
    ['single quotes keep everything', "echo '$IMAGE \"x\"'", ['echo', '$IMAGE "x"']],
    ['double quotes expand and escape', 'echo "a b ${NAME} \\"q\\" \\$HOME"', ['echo', 'a b app "q" $HOME']],
    ['backslash outside quotes', 'a\\ b c\\"d', ['a b', 'c"d']],
    ['line continuation', 'docker run \\\n --privileged $IMAGE', ['docker', 'run', '--privileged', 'reg/app:1']],
    ['unknown variables stay as written', 'echo ${OTHER} $HOME $', ['echo', '${OTHER}', '$HOME', '$']],
    ['adjacent parts make one word', '-v=/"a b"/c', ['-v=/a b/c']],
    ['empty quotes are a word', "x '' y", ['x', '', 'y']],
    ['operators end commands', 'a&&b;c | d', ['a', '&&', 'b', ';', 'c', '|', 'd']],
  ])('%s', (_, text, expected) => {
    const { words, notes } = splitShellWords(text, VARS);
    expect(words.map((word) => word.text)).toEqual(expected);
    expect(notes).toEqual([]);
  });

  it('reads an unterminated quote to the end and says so', () => {
    expect(splitShellWords('docker run "--privileged ${IMAGE}', VARS)).toEqual({
      words: [{ text: 'docker' }, { text: 'run' }, { text: '--privileged reg/app:1' }],
      notes: ['unterminated double quote at column 12; read to the end'],
    });
    expect(splitShellWords("a 'b c").notes).toEqual(['unterminated single quote at column 3; read to the end']);
  });
});
