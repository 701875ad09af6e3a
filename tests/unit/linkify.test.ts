import { describe, expect, it } from 'vitest'
import { linkify } from '../../app/utils/linkify'

const links = (text: string) => linkify(text).filter(t => t.type === 'link')
const joined = (text: string) => linkify(text).map(t => t.text).join('')

describe('linkify', () => {
  it('turns http, https and mailto URLs into links and keeps the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1 and mailto:ops@example.com now')).toEqual([
      { type: 'text', text: 'see ' },
      { type: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { type: 'text', text: ' and ' },
      { type: 'link', text: 'mailto:ops@example.com', href: 'mailto:ops@example.com' },
      { type: 'text', text: ' now' }
    ])
    expect(links('http://example.org')).toHaveLength(1)
  })

  it('never links javascript:, data:, vbscript: or file: URLs, whatever their case', () => {
    for (const text of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', '[x](javascript:alert(1))']) {
      expect(links(text), text).toEqual([])
      expect(joined(text)).toBe(text)
    }
  })

  it('links only the https part of a URL that hides behind javascript:', () => {
    const tokens = linkify('javascript:https://evil.example/')
    expect(tokens).toEqual([
      { type: 'text', text: 'javascript:' },
      { type: 'link', text: 'https://evil.example/', href: 'https://evil.example/' }
    ])
  })

  it('keeps HTML as plain text and stops URLs at angle brackets and quotes', () => {
    const html = '<img src=x onerror=alert(1)><script>alert(1)</script>'
    expect(linkify(html)).toEqual([{ type: 'text', text: html }])
    const tokens = linkify('<a href="https://example.com/x">y</a>')
    expect(links('<a href="https://example.com/x">y</a>')).toEqual([{ type: 'link', text: 'https://example.com/x', href: 'https://example.com/x' }])
    expect(tokens.map(t => t.text).join('')).toBe('<a href="https://example.com/x">y</a>')
  })

  it('leaves trailing punctuation and an unbalanced closing parenthesis outside the link', () => {
    expect(links('go to https://example.com/docs.')[0]?.text).toBe('https://example.com/docs')
    expect(links('(see https://example.com/a)')[0]?.text).toBe('https://example.com/a')
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar)')[0]?.text).toBe('https://en.wikipedia.org/wiki/Foo_(bar)')
  })

  it('refuses URLs without a host and preserves every character of the input', () => {
    expect(links('https:// nothing')).toEqual([])
    const text = 'a\nb  https://x.example/ c\n'
    expect(joined(text)).toBe(text)
  })
})
