import MarkdownIt from 'markdown-it'

// Message markdown: raw HTML off (it is escaped, shown as text), links through the scheme allow-list below, and
// only the syntax a chat message needs. Disabled rules leave their markup as text ("# x", "![a](b)" → "!" + link).
// Link previews are not fetched: a link is only an <a>.
const ALLOWED_SCHEMES = /^(?:https?:|mailto:)/i
const MENTION = /(^|[^\w@.-])@([a-z0-9_.-]{2,32})/gi

const md = new MarkdownIt('default', { html: false, linkify: true, breaks: true, typographer: false })
md.disable(['image', 'heading', 'lheading', 'table', 'hr', 'code', 'strikethrough', 'html_block', 'html_inline', 'reference'])
md.linkify.set({ fuzzyIP: false })

// markdown-it passes the href after normalizeLink (percent-encoded, so "java\tscript:" cannot hide a scheme).
md.validateLink = url => ALLOWED_SCHEMES.test(url.trim())

const escape = md.utils.escapeHtml

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx]!
  token.attrSet('rel', 'noopener noreferrer nofollow')
  token.attrSet('target', '_blank')
  return self.renderToken(tokens, idx, options)
}

// @handles keep their highlight; a trailing dot is sentence punctuation (as in shared/mentions.ts).
md.renderer.rules.text = (tokens, idx) => {
  const content = tokens[idx]!.content
  let html = ''
  let cursor = 0
  for (const match of content.matchAll(MENTION)) {
    const handle = match[2]!.replace(/\.+$/, '')
    if (handle.length < 2) continue
    const start = match.index + match[1]!.length
    html += escape(content.slice(cursor, start)) + `<span class="mention">@${escape(handle)}</span>`
    cursor = start + 1 + handle.length
  }
  return html + escape(content.slice(cursor))
}

/** Message text as HTML: only escaped text and the allow-listed elements (p, br, strong, em, code, pre, ul, ol, li, blockquote, a, span.mention). */
export function renderMarkdown(source: string): string {
  // Trimmed: the trailing newline would otherwise end up in the text (copying, textContent).
  return md.render(source).trim()
}

/**
 * Message text as a screen reader should hear it: the words without the markup ("**now**" is read "now", a code
 * block its code, a link its text), blocks and line breaks joined by spaces.
 */
export function markdownToPlainText(source: string): string {
  const parts: string[] = []
  const walk = (tokens: ReturnType<typeof md.parse>) => {
    for (const token of tokens) {
      if (token.children) walk(token.children)
      else if (token.type === 'text' || token.type === 'code_inline' || token.type === 'fence') parts.push(token.content)
      else if (token.type === 'softbreak' || token.type === 'hardbreak' || (token.block && token.nesting === -1)) parts.push(' ')
    }
  }
  walk(md.parse(source, {}))
  return parts.join('').replace(/\s+/g, ' ').trim()
}
