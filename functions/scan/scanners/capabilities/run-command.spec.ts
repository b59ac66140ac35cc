import { labelWords, parseRunCommand } from './run-command';

function parse(text: string): ReturnType<typeof parseRunCommand> {
  return parseRunCommand(labelWords(text, { IMAGE: 'reg/app:1', NAME: 'app' }).words);
}

describe('parseRunCommand', () => {
  it('reads the atomic-style label of the seed images', () => {
    const command = parse(
      'docker run -it --rm --privileged -v /:/host --net=host --ipc=host --pid=host -e HOST=/host -e NAME=${NAME} -e IMAGE=${IMAGE} --name ${NAME} ${IMAGE} /bin/install.sh --force',
    );
    expect(command.engine).toBe('docker');
    expect(command.image).toBe('reg/app:1');
    expect(command.args).toEqual(['/bin/install.sh', '--force']);
    expect(command.options.map((option) => [option.name, option.value])).toEqual([
      ['interactive', true],
      ['tty', true],
      ['rm', true],
      ['privileged', true],
      ['volume', '/:/host'],
      ['network', 'host'],
      ['ipc', 'host'],
      ['pid', 'host'],
      ['env', 'HOST=/host'],
      ['env', 'NAME=app'],
      ['env', 'IMAGE=reg/app:1'],
      ['name', 'app'],
    ]);
  });

  it.each<[string, string, [string, string | true][], string | null]>([
    [
      'podman with global options and container run',
      '/usr/bin/podman --log-level=info container run --network host -vfoo:/bar IMAGE',
      [
        ['network', 'host'],
        ['volume', 'foo:/bar'],
      ],
      'IMAGE',
    ],
    ['sudo and env before the engine', 'sudo FOO=1 docker run --cap-add=SYS_ADMIN img', [['cap-add', 'SYS_ADMIN']], 'img'],
    ['-- ends the options', 'docker run --rm -- -weird-image', [['rm', true]], '-weird-image'],
    [
      'grouped short flags with a value',
      'docker run -dit -p8080:80 -u 0 img',
      [
        ['detach', true],
        ['interactive', true],
        ['tty', true],
        ['publish', '8080:80'],
        ['user', '0'],
      ],
      'img',
    ],
    ['a flag set to false', 'docker run --privileged=false img', [['privileged', 'false']], 'img'],
    ['stops at an operator', 'docker run img && docker run --privileged img2', [], 'img'],
    [
      'options only, no engine',
      '--privileged --net=host',
      [
        ['privileged', true],
        ['network', 'host'],
      ],
      null,
    ],
    ['docker create', 'docker create --device /dev/fuse img', [['device', '/dev/fuse']], 'img'],
  ])('%s', (_, text, options, image) => {
    const command = parse(text);
    expect(command.options.map((option) => [option.name, option.value])).toEqual(options);
    expect(command.image).toBe(image);
  });
});

describe('labelWords (a RUN label as words for parseRunCommand)', () => {
  it.each<[string, string, [string, boolean][]]>([
    [
      'operators end commands',
      'a&&b;c | d',
      [
        ['a', false],
        ['&&', true],
        ['b', false],
        [';', true],
        ['c', false],
        ['|', true],
        ['d', false],
      ],
    ],
    [
      'a newline is a blank',
      'docker run\n--privileged IMAGE',
      [
        ['docker', false],
        ['run', false],
        ['--privileged', false],
        ['IMAGE', false],
      ],
    ],
    [
      'a redirection stays a word',
      'docker run img > /tmp/log',
      [
        ['docker', false],
        ['run', false],
        ['img', false],
        ['>', false],
        ['/tmp/log', false],
      ],
    ],
  ])('%s', (_, text, expected) => {
    const { words, notes } = labelWords(text);
    expect(words.map((word) => [word.text, word.operator === true])).toEqual(expected);
    expect(notes).toEqual([]);
  });

  it('reads an unterminated quote to the end and says so', () => {
    expect(labelWords('docker run "--privileged ${IMAGE}', { IMAGE: 'reg/app:1' })).toEqual({
      words: [{ text: 'docker' }, { text: 'run' }, { text: '--privileged reg/app:1' }],
      notes: ['unterminated double quote at column 12; read to the end'],
    });
  });
});
