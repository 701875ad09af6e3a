import { describe, expect, it } from 'vitest'
import { markdownToPlainText, renderMarkdown } from '../../app/utils/markdown'

const html = (source: string) => renderMarkdown(source).trim()

describe('renderMarkdown', () => {
  it('renders bold, italics, inline code, code blocks, lists and quotes', () => {
    expect(html('**bold** and *it* and `x < y`')).toBe('<p><strong>bold</strong> and <em>it</em> and <code>x &lt; y</code></p>')
    expect(html('```js\nconst a = "<b>"\n```')).toBe('<pre><code class="language-js">const a = &quot;&lt;b&gt;&quot;\n</code></pre>')
    expect(html('- one\n- two')).toBe('<ul>\n<li>one</li>\n<li>two</li>\n</ul>')
    expect(html('1. one')).toBe('<ol>\n<li>one</li>\n</ol>')
    expect(html('> quoted')).toBe('<blockquote>\n<p>quoted</p>\n</blockquote>')
  })

  it('keeps single line breaks, as typed in a chat', () => {
    expect(html('a\nb')).toBe('<p>a<br>\nb</p>')
  })

  it('leaves headings, rules, tables and indented code as text', () => {
    expect(html('# Big')).toBe('<p># Big</p>')
    expect(html('Title\n===')).toBe('<p>Title<br>\n===</p>')
    expect(html('---')).toBe('<p>---</p>')
    expect(html('| a |\n| - |\n| b |')).not.toContain('<table')
    expect(html('    indented')).toBe('<p>indented</p>')
  })

  it('escapes raw HTML: <script>, <img onerror> and inline handlers stay text', () => {
    expect(html('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')
    expect(html('<img src=x onerror="alert(1)">')).toBe('<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>')
    expect(html('<a href="javascript:alert(1)">x</a>')).not.toMatch(/<a\s/)
  })

  it('never renders an image, even from markdown image syntax', () => {
    const out = html('![cat](https://example.com/cat.png) ![x](javascript:alert(1))')
    expect(out).not.toContain('<img')
    expect(out).not.toContain('href="javascript')
    expect(out).toContain('![x](javascript:alert(1))')
  })

  it('refuses links other than http(s) and mailto, whatever their spelling', () => {
    for (const source of ['[x](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))', '[x](java\tscript:alert(1))', '[x](data:text/html,hi)', '[x](vbscript:msgbox)', '[x](file:///etc/passwd)', '<javascript:alert(1)>', 'ftp://example.com/x']) {
      expect(html(source), source).not.toMatch(/<a\s/)
    }
  })

  it('opens allowed links in a new tab without referrer or opener, and linkifies bare URLs and emails', () => {
    expect(html('[docs](https://example.com/a?b=1&c=2)')).toBe('<p><a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">docs</a></p>')
    expect(html('see https://example.com/ok.')).toBe('<p>see <a href="https://example.com/ok" rel="noopener noreferrer nofollow" target="_blank">https://example.com/ok</a>.</p>')
    expect(html('ops@example.com')).toContain('href="mailto:ops@example.com"')
  })

  it('leaves sentence punctuation and unbalanced parentheses outside a linkified URL, and links only its https part', () => {
    expect(html('(see https://example.com/a)')).toContain('>https://example.com/a</a>)')
    expect(html('https://en.wikipedia.org/wiki/Foo_(bar)')).toContain('href="https://en.wikipedia.org/wiki/Foo_(bar)"')
    expect(html('javascript:https://evil.example/')).toMatch(/^<p>javascript:<a href="https:\/\/evil\.example\/"/)
    expect(html('https:// nothing')).toBe('<p>https:// nothing</p>')
  })

  it('highlights @mentions, but not inside emails or code', () => {
    expect(html('thanks @jo.smith. and @all')).toBe('<p>thanks <span class="mention">@jo.smith</span>. and <span class="mention">@all</span></p>')
    expect(html('`@ana`')).toBe('<p><code>@ana</code></p>')
    expect(html('@a <b>@ana</b>')).toBe('<p>@a &lt;b&gt;<span class="mention">@ana</span>&lt;/b&gt;</p>')
  })
})

describe('markdownToPlainText (what the screen reader announces)', () => {
  it('reads the words, not the markup', () => {
    expect(markdownToPlainText('**Deadline** is _Friday_, see `docs`')).toBe('Deadline is Friday, see docs')
  })
  it('reads a link as its text and a list and a quote as their items', () => {
    expect(markdownToPlainText('[the plan](https://example.com/plan)\n\n- one\n- two\n\n> quoted')).toBe('the plan one two quoted')
  })
  it('reads a code block as its code and keeps literal HTML as typed', () => {
    expect(markdownToPlainText('```\nnpm test\n```')).toBe('npm test')
    expect(markdownToPlainText('<b>hi</b>')).toBe('<b>hi</b>')
  })
})
