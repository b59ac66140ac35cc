import { ALL_SETTINGS, CONFIG_TABLE, Invalid, rowSettings, type Setting } from '.';

const named = (setting: Setting): string => setting.env ?? setting.key ?? '(unnamed)';

describe('every setting declaration', () => {
  it('is read from a variable or a file key', () => {
    expect(ALL_SETTINGS.filter((setting) => !setting.env && !setting.key).map(named)).toEqual([]);
  });

  it.each(ALL_SETTINGS.map((setting) => [named(setting), setting] as const))(
    '%s: has a description, a CCP_ name, and a default its parser takes',
    (_name, setting) => {
      const parsedDefault = setting.default === undefined || setting.default === null ? setting.default : setting.parse(setting.default, setting);
      expect({ description: setting.description.length > 0, env: setting.env === undefined || /^CCP_[A-Z0-9_]+$/.test(setting.env), parsedDefault }).toEqual({
        description: true,
        env: true,
        parsedDefault: setting.default,
      });
    },
  );

  it('has unique variables and file keys', () => {
    const repeated = (names: (string | undefined)[]): string[] => names.filter((name, at): name is string => name !== undefined && names.indexOf(name) !== at);
    expect({ env: repeated(ALL_SETTINGS.map((setting) => setting.env)), keys: repeated(ALL_SETTINGS.map((setting) => setting.key)) }).toEqual({
      env: [],
      keys: [],
    });
  });

  it('is a row of the README table exactly once, unless it is a test hook', () => {
    const inTable = CONFIG_TABLE.flatMap(rowSettings);
    expect({
      missing: ALL_SETTINGS.filter((setting) => !setting.testHook && !inTable.includes(setting)).map(named),
      twice: inTable.filter((setting, at) => inTable.indexOf(setting) !== at).map(named),
      hooks: inTable.filter((setting) => setting.testHook).map(named),
    }).toEqual({ missing: [], twice: [], hooks: [] });
  });

  it('is never both a secret and a file-only setting, nor a test hook and a secret', () => {
    expect(ALL_SETTINGS.filter((setting) => (setting.secret && !setting.env) || (setting.testHook && setting.secret)).map(named)).toEqual([]);
  });

  it('refuses a bad value with a message (the parsers can fail)', () => {
    const concurrency = ALL_SETTINGS.find((setting) => setting.env === 'CCP_BUILD_CONCURRENCY')!;
    expect(concurrency.parse('0', concurrency)).toEqual(new Invalid('must be a whole number, 1 or more (CCP_BUILD_CONCURRENCY)'));
  });
});
