import { AsyncLocalStorage } from 'node:async_hooks'

interface RequestContext { requestId: string }

const storage = new AsyncLocalStorage<RequestContext>()

/**
 * Binds the request id to everything the rest of this request runs (server/middleware/request-id.ts), so the
 * audit log can record it without every domain function passing it along. WS ops have no request: undefined.
 */
export function enterRequestContext(context: RequestContext) {
  storage.enterWith(context)
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId
}
