// Any method but the one this URL kind is signed for: a plain 404 (see ../[...path].ts).
export default defineEventHandler(() => {
  throw notFound()
})
