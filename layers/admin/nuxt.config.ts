// The admin layer: moderation, exports, audit and diagnostics. See ./README.md for its boundaries.
export default defineNuxtConfig({
  $meta: { name: 'admin' }
})
