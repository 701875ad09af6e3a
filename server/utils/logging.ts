import type { H3Event } from 'h3'
import type { Logger } from '../platform/logger'
import { useLogger } from '../platform/logger'

/** The logger for one request: every line carries its request id, route and (once known) the caller's id. */
export function useRequestLogger(event: H3Event): Logger {
  const user = event.context.authUser as { id?: string } | undefined
  return useLogger().child({ requestId: event.context.requestId as string | undefined, route: event.path.split('?')[0], userId: user?.id })
}
