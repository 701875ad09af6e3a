// The admin layer: moderation, exports, audit and diagnostics. See ./README.md for its boundaries
// and for why Nuxt UI is configured this way (offline icons, no web fonts, styles on admin routes only).
export default defineNuxtConfig({
  modules: ['@nuxt/ui'],
  $meta: { name: 'admin' },
  ui: {
    // No @nuxt/fonts: it would download web fonts at build time. Tailwind's system font stack is used.
    fonts: false,
    // The member app is light only; no color-mode script on every page.
    colorMode: false
  },
  icon: {
    // Icons come only from the installed @iconify-json/lucide: never from the Iconify API.
    provider: 'none',
    fallbackToApi: false,
    collections: ['lucide'],
    serverBundle: { collections: ['lucide'] },
    // Nuxt UI adds its own default icons to the client bundle; scanning adds the ones the admin pages use.
    clientBundle: { scan: { globInclude: ['layers/admin/app/**/*.{vue,ts}'] } }
  }
})
