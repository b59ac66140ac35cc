import { escapeHtml, safeHref } from './html-escape';

describe('escapeHtml (the one escaper: scan pages, the reports index, mail HTML, redaction forms)', () => {
  it.each<[string, unknown, string]>([
    ['every special character', `& < > " '`, '&amp; &lt; &gt; &quot; &#39;'],
    ['a hostile package name', '<script>alert("x")</script>', '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'],
    ['an entity is escaped again, not kept', '&amp;', '&amp;amp;'],
    ['plain text unchanged', 'bash 5.1.8-6.el9', 'bash 5.1.8-6.el9'],
    ['a mail heading with quotes', `Build of 'app' "failed"`, 'Build of &#39;app&#39; &quot;failed&quot;'],
    ['a secret as an HTML page would show it', 'p&ss<w>rd"', 'p&amp;ss&lt;w&gt;rd&quot;'],
    ['a number', 42, '42'],
    ['empty', '', ''],
  ])('%s', (_name, value, expected) => {
    expect(escapeHtml(value)).toBe(expected);
  });
});

describe('safeHref', () => {
  it.each<[string, string | null]>([
    ['https://example.com/a?b=1&c=2', 'https://example.com/a?b=1&amp;c=2'],
    ['  reports/app/1.html ', 'reports/app/1.html'],
    ['javascript:alert(1)', null],
    ['DATA:text/html,x', null],
  ])('%j -> %j', (href, expected) => {
    expect(safeHref(href)).toBe(expected);
  });
});
