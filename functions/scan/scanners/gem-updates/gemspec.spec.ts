import { parseGemspec } from './gemspec';

describe('parseGemspec', () => {
  it.each([
    ['rake-13.0.6.gemspec', 's.name = "rake".freeze\n  s.version = "13.0.6"\n', { name: 'rake', version: '13.0.6' }],
    ['net-http-0.4.1.gemspec', null, { name: 'net-http', version: '0.4.1' }],
    ['nokogiri-1.15.4-x86_64-linux.gemspec', null, { name: 'nokogiri', version: '1.15.4', platform: 'x86_64-linux' }],
    [
      'nokogiri-1.15.4-x86_64-linux.gemspec',
      '  s.name = "nokogiri".freeze\n  s.version = "1.15.4"\n  s.platform = "x86_64-linux".freeze\n',
      { name: 'nokogiri', version: '1.15.4', platform: 'x86_64-linux' },
    ],
    ['jruby-openssl-0.14.2-java.gemspec', null, { name: 'jruby-openssl', version: '0.14.2', platform: 'java' }],
    [
      'odd.gemspec',
      "Gem::Specification.new do |spec|\n  spec.name = 'odd'\n  spec.version = Gem::Version.new('1.2.3')\nend\n",
      { name: 'odd', version: '1.2.3' },
    ],
    ['puma-7.0.0.rc1.gemspec', '', { name: 'puma', version: '7.0.0.rc1' }],
    ['README.gemspec', '', null],
  ])('%s', (fileName, text, expected) => {
    expect(parseGemspec(fileName, text)).toEqual(expected);
  });
});
