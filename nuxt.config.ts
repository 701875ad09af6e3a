// https://nuxt.com/docs/api/configuration/nuxt-config
export default defineNuxtConfig({
  extends: ['./layers/admin'],
  modules: ['@pinia/nuxt', '@nuxt/eslint'],
  devtools: { enabled: false },
  app: {
    head: {
      title: 'Switchboard',
      meta: [{ name: 'viewport', content: 'width=device-width, initial-scale=1' }]
    }
  },
  css: ['~/assets/main.css'],
  // Every value here is overridable at run time through NUXT_* env vars; server/utils/config.ts
  // also reads the plain names documented in the README (DATABASE_URL, REDIS_URL, …).
  runtimeConfig: {
    public: {}
  },
  compatibilityDate: '2025-07-15',
  nitro: {
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
