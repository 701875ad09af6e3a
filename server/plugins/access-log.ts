import { useRequestLogger } from '../utils/logging'

/** One debug line per request (LOG_LEVEL=debug): method, route, status and time, with the request's ids. */
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('request', (event) => {
    event.context.startedAt = performance.now()
  })
  nitroApp.hooks.hook('afterResponse', (event) => {
    const startedAt = event.context.startedAt as number | undefined
    useRequestLogger(event).debug('request', {
      method: event.method,
      status: event.node.res.statusCode,
      ms: startedAt === undefined ? undefined : Math.round(performance.now() - startedAt)
    })
  })
})
