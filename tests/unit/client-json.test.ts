import { describe, expect, it } from 'vitest'
import { parseClientJson } from '../../server/platform/json'

describe('parseClientJson', () => {
  it('parses plain documents as JSON.parse does', () => {
    const text = '{"type":"message:send","id":"1","data":{"content":"héllo \\n \\"quoted\\" 😀","n":[1,2.5,null,true]}}'
    expect(parseClientJson(text)).toEqual(JSON.parse(text))
  })

  it('replaces a lone surrogate written as an escape, in values at any depth, with U+FFFD', () => {
    expect(parseClientJson('{"a":"x\\ud83d","b":["\\udc00y"],"c":{"d":"\\ud83d\\ude00"}}'))
      .toEqual({ a: 'x\uFFFD', b: ['\uFFFDy'], c: { d: '😀' } })
  })

  it('replaces a lone surrogate that is in the text itself', () => {
    expect(parseClientJson(`{"a":"x${'\uD800'}"}`)).toEqual({ a: 'x\uFFFD' })
  })

  it('keeps escapes that are not surrogates and throws on invalid JSON', () => {
    expect(parseClientJson('{"a":"\\u00e9\\u0041"}')).toEqual({ a: 'éA' })
    expect(() => parseClientJson('{"a":')).toThrow(SyntaxError)
  })
})
