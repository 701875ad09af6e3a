/**
 * One spelling per emoji, so a reaction picked here and one picked elsewhere are the same reaction: the data
 * writes U+FE0F after characters that are emoji by default (`👍️`), which Unicode's fully-qualified form omits.
 */
export function canonicalEmoji(emoji: string): string {
  return emoji.replace(/(\p{Emoji_Presentation})\uFE0F/gu, '$1')
}
