// Unknown API routes answer the contract's 404 instead of falling through to the page renderer.
export default defineEventHandler(() => {
  throw apiError('not_found', 'Not found')
})
