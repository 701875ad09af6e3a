import { useConfig } from './config'

/**
 * The app's own origin for links that leave it (invite and sign-up links, storage URLs): PUBLIC_URL, else the
 * first of ALLOWED_ORIGINS, else where the server listens on this machine. Never a request's Host or
 * X-Forwarded-* headers: those are the caller's to choose, and a link built from them can point anywhere
 * (`Host: evil.example` made invite links to evil.example).
 */
export function publicOrigin(): string {
  const config = useConfig()
  if (config.publicUrl) return config.publicUrl
  if (config.allowedOrigins[0]) return config.allowedOrigins[0]
  return `http://localhost:${config.port}`
}

/**
 * Whether a request from `origin` may act with the session cookie (WebSocket upgrades, unsafe REST requests):
 * ALLOWED_ORIGINS and PUBLIC_URL's origin; with neither set, the request's own host (and X-Forwarded-Host behind
 * a trusted proxy). The host is safe here, unlike in links: a browser sends the Host of the site it is talking
 * to, so a page elsewhere cannot make its Origin match it. `header` reads one request header.
 */
export function isAllowedOrigin(origin: string | null | undefined, header: (name: string) => string | null | undefined): boolean {
  if (!origin || origin === 'null') return false
  const config = useConfig()
  if (config.allowedOrigins.length || config.publicUrl) return config.allowedOrigins.includes(origin) || origin === config.publicUrl
  const hosts = [header('host'), config.trustProxy ? header('x-forwarded-host') : undefined]
  return hosts.some(host => host && (origin === `http://${host}` || origin === `https://${host}`))
}
