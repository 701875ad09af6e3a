/**
 * Any other method or path under /storage: a signed URL is valid only for the method it was signed for
 * (PUT on upload/, GET on download/), so everything else is a plain 404 rather than the app's HTML page.
 */
export default defineEventHandler(() => {
  throw notFound()
})
