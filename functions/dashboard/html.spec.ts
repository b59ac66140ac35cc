import { html, trusted } from './html';

describe('html``', () => {
  it.each([
    ['text', 'a <b> & "c" \'d\'', '<p>a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;</p>'],
    ['a number', 42, '<p>42</p>'],
    ['nothing', null, '<p></p>'],
    ['false', false, '<p></p>'],
    ['a list of text and markup', ['<i>', html`<b>${'<i>'}</b>`], '<p>&lt;i&gt;<b>&lt;i&gt;</b></p>'],
    ['trusted markup', trusted('<br>'), '<p><br></p>'],
  ])('escapes %s unless it is safe markup', (_name, value, expected) => {
    expect(html`<p>${value}</p>`.value).toEqual(expected);
  });
});
