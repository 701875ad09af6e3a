// Marks <html data-hydrated> once Vue has hydrated the first page. Until then a click lands on server-rendered
// markup without handlers; browser tests wait for the mark after every full page load (tests/e2e/fixtures.ts).
// `app:suspense:resolve`, not `app:mounted`: the root mounts before the page's async setup (an awaited
// useAsyncData) resolves, and the page's own markup is hydrated only then.
export default defineNuxtPlugin((nuxtApp) => {
  nuxtApp.hook('app:suspense:resolve', () => {
    document.documentElement.setAttribute('data-hydrated', '')
  })
})
