// Marks <html data-hydrated> once Vue has hydrated the first page. Until then a click lands on server-rendered
// markup without handlers; browser tests wait for the mark after every full page load (tests/e2e/fixtures.ts).
export default defineNuxtPlugin((nuxtApp) => {
  nuxtApp.hook('app:mounted', () => {
    document.documentElement.setAttribute('data-hydrated', '')
  })
})
