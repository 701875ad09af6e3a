import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { addTemplate, defineNuxtModule } from '@nuxt/kit'
import { EMOJI_DATA_BASE, EMOJI_FONT_FAMILY } from '../../shared/emoji'
import { emojiFontCss, emojiRanges } from './font-faces'

/**
 * Emoji from our own origin (issue 12): the picker's data and the colour emoji font come from npm packages and
 * are served by this app, so nothing is fetched from a CDN. See docs/architecture.md, "Emoji".
 */
export default defineNuxtModule({
  meta: { name: 'switchboard-emoji' },
  setup(_options, nuxt) {
    const require = createRequire(import.meta.url)
    // emoji-picker-element-data's GitHub shortcode pack (`:+1:`, `:tada:`), the ones people know from GitHub and Slack.
    const dataFile = require.resolve('emoji-picker-element-data/en/github/data.json')
    nuxt.options.nitro.publicAssets ||= []
    nuxt.options.nitro.publicAssets.push({ dir: dirname(dataFile), baseURL: EMOJI_DATA_BASE, maxAge: 60 * 60 * 24 })

    // Twemoji as a COLR (v0) font: the colour format that Chromium, Firefox and Safari all draw. Vite bundles the
    // woff2 under /_nuxt/ with a hashed name; the browser loads it once a character of its range is on the page.
    const font = require.resolve('twemoji-colr-font/twemoji.woff2')
    const template = addTemplate({
      filename: 'emoji-font.css',
      write: true,
      getContents: () => {
        const data: Array<{ emoji: string, skins?: Array<{ emoji: string }> }> = JSON.parse(readFileSync(dataFile, 'utf8'))
        return emojiFontCss(EMOJI_FONT_FAMILY, font, emojiRanges(data.flatMap(e => [e.emoji, ...(e.skins ?? []).map(s => s.emoji)])))
      }
    })
    nuxt.options.css.unshift(template.dst)
  }
})
