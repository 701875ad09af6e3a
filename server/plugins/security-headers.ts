import { useConfig } from '../platform/config'
import { API_CSP, BASE_HEADERS, HSTS, inlineScriptHashes, pageCsp, storageOrigins } from '../platform/security-headers'

/**
 * Security headers (docs/operations.md, "Security headers"). The `request` hook runs before every handler,
 * static assets included, so nothing leaves without them; a route may still set a stricter CSP of its own
 * (local-disk downloads are sandboxed). Pages get their policy once rendered, with their inline scripts' hashes.
 */
export default defineNitroPlugin((nitroApp) => {
  const config = useConfig()
  const storage = storageOrigins(config.storage)
  // Without hashes: what static files get, sw.js among them (a service worker runs under its own response's CSP).
  const assetCsp = pageCsp(storage)

  nitroApp.hooks.hook('request', (event) => {
    setResponseHeaders(event, BASE_HEADERS)
    setResponseHeader(event, 'Content-Security-Policy', event.path.startsWith('/api/') ? API_CSP : assetCsp)
    // HSTS is ignored over http (RFC 6797 §8.1); behind a proxy, X-Forwarded-Proto counts only with TRUST_PROXY.
    if (getRequestProtocol(event, { xForwardedProto: config.trustProxy }) === 'https') {
      setResponseHeader(event, 'Strict-Transport-Security', HSTS)
    }
  })

  nitroApp.hooks.hook('render:html', (html, { event }) => {
    const hashes = inlineScriptHashes([...html.head, ...html.bodyAppend])
    setResponseHeader(event, 'Content-Security-Policy', pageCsp(storage, hashes))
  })

  nitroApp.hooks.hook('render:response', (response) => {
    delete response.headers?.['x-powered-by']
  })
})
