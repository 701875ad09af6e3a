import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { defineNuxtModule, useLogger } from 'nuxt/kit'
import { generateSW } from 'workbox-build'

// The page the service worker answers navigations with when the network is down: rendered without SSR, so it
// holds no user data; the app then starts from IndexedDB (docs/architecture.md, "Client: the local-first cache").
const APP_SHELL = '/app-shell'

/**
 * Writes `.output/public/sw.js` with Workbox's generateSW (https://developer.chrome.com/docs/workbox/modules/workbox-build)
 * once the client build is in place: build assets precached, navigations always from the network (a deploy is never
 * hidden) with the shell as the offline fallback, nothing else handled, so API answers, downloads and the socket
 * never reach Cache Storage. No worker in `nuxt dev`.
 */
export default defineNuxtModule({
  meta: { name: 'switchboard:service-worker' },
  setup(_options, nuxt) {
    nuxt.options.routeRules = { ...nuxt.options.routeRules, [APP_SHELL]: { ssr: false } }
    if (nuxt.options.dev) return
    nuxt.hook('nitro:build:public-assets', async (nitro) => {
      const publicDir = nitro.options.output.publicDir
      const { count, size, warnings } = await generateSW({
        globDirectory: publicDir,
        globPatterns: ['_nuxt/**/*.{js,css,json,woff2,svg,png}'],
        // File names under _nuxt/ carry their content hash; the build manifests (_nuxt/builds/) do not.
        dontCacheBustURLsMatching: /^_nuxt\/(?!builds\/)/,
        additionalManifestEntries: [{ url: APP_SHELL, revision: randomUUID() }],
        swDest: join(publicDir, 'sw.js'),
        inlineWorkboxRuntime: true,
        mode: 'production',
        sourcemap: false,
        // A deploy takes over at once; navigations come from the network anyway, and old precaches are dropped.
        skipWaiting: true,
        clientsClaim: true,
        cleanupOutdatedCaches: true,
        navigateFallback: undefined,
        runtimeCaching: [{
          urlPattern: ({ request, url }) => request.mode === 'navigate' && !/^\/(?:api|storage|ws)(?:\/|$)/.test(url.pathname),
          handler: 'NetworkOnly',
          options: { precacheFallback: { fallbackURL: APP_SHELL } }
        }]
      })
      const logger = useLogger('service-worker')
      warnings.forEach(warning => logger.warn(warning))
      logger.info(`sw.js precaches ${count} files (${Math.round(size / 1024)} KiB) and the app shell`)
    })
  }
})
