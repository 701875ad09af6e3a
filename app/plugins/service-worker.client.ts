/**
 * Registers the Workbox service worker written at build time (modules/service-worker.ts): it answers navigations
 * with the app shell when the network is down. There is none in `nuxt dev`.
 */
export default defineNuxtPlugin(() => {
  if (import.meta.dev || !('serviceWorker' in navigator)) return
  // After `load`, so the precache downloads do not compete with the first page (Workbox's advice).
  const register = () => navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
    console.warn('[service-worker] not registered', error)
  })
  if (document.readyState === 'complete') void register()
  else window.addEventListener('load', () => void register(), { once: true })
})
