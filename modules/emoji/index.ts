import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { addTemplate, defineNuxtModule } from '@nuxt/kit'
import { EMOJI_DATA_BASE, EMOJI_FONT_FAMILY } from '../../shared/emoji'
import { emojiFontCss, parseFontFaces } from './font-faces'

/**
 * Emoji from our own origin (issue 12): the picker's data and the colour emoji font come from npm packages and
 * are served by this app, so nothing is fetched from a CDN. See docs/architecture.md, "Emoji".
 */
export default defineNuxtModule({
  meta: { name: 'switchboard-emoji' },
  setup(_options, nuxt) {
    const require = createRequire(import.meta.url)
    // emoji-picker-element-data's GitHub shortcode pack (`:+1:`, `:tada:`), the ones people know from GitHub and Slack.
    const dataDir = dirname(require.resolve('emoji-picker-element-data/en/github/data.json'))
    nuxt.options.nitro.publicAssets ||= []
    nuxt.options.nitro.publicAssets.push({ dir: dataDir, baseURL: EMOJI_DATA_BASE, maxAge: 60 * 60 * 24 })

    // Vite bundles the woff2 files the CSS names (hashed under /_nuxt/); the browser loads a subset only when a
    // character of its unicode-range is on the page.
    const fontCss = require.resolve('@fontsource/noto-color-emoji/index.css')
    const template = addTemplate({
      filename: 'emoji-font.css',
      write: true,
      getContents: () => {
        const faces = parseFontFaces(readFileSync(fontCss, 'utf8'))
        return emojiFontCss(faces, EMOJI_FONT_FAMILY, file => join(dirname(fontCss), 'files', file))
      }
    })
    nuxt.options.css.unshift(template.dst)
  }
})
