// https://nuxt.com/docs/api/configuration/nuxt-config

// SB_BUILD_DIR lets several builds (parallel work trees, CI jobs) live side by side: .nuxt and .output go under it.
const buildRoot = process.env.SB_BUILD_DIR

export default defineNuxtConfig({
  extends: ['./layers/admin'],
  modules: ['@pinia/nuxt', '@nuxt/eslint'],
  devtools: { enabled: false },
  app: {
    head: {
      title: 'Switchboard',
      htmlAttrs: { lang: 'en' },
      meta: [{ name: 'viewport', content: 'width=device-width, initial-scale=1' }]
    }
  },
  css: ['~/assets/main.css'],
  // <emoji-picker> is emoji-picker-element's web component (app/components/emoji/EmojiPicker.vue), not a Vue one.
  vue: { compilerOptions: { isCustomElement: tag => tag === 'emoji-picker' } },
  // Every value here is overridable at run time through NUXT_* env vars; server/utils/config.ts
  // also reads the plain names documented in the README (DATABASE_URL, REDIS_URL, …).
  runtimeConfig: {
    public: {}
  },
  buildDir: buildRoot ? `${buildRoot}/.nuxt` : undefined,
  compatibilityDate: '2025-07-15',
  nitro: {
    output: buildRoot ? { dir: `${buildRoot}/.output` } : undefined,
    experimental: { websocket: true },
    errorHandler: '~~/server/error.ts'
  },
  typescript: {
    strict: true
  },
  telemetry: false,
  hooks: {
    // Migrations are applied from disk at start-up: ship drizzle/ inside .output/server.
    'nitro:build:public-assets': async (nitro) => {
      const { cp } = await import('node:fs/promises')
      await cp(new URL('./drizzle', import.meta.url), `${nitro.options.output.serverDir}/drizzle`, { recursive: true })
    }
  },
  eslint: {
    config: {
      stylistic: { commaDangle: 'never', braceStyle: '1tbs' }
    }
  }
})
