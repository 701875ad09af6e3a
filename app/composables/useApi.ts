import type { RouterMethod } from 'h3'
import type { TypedInternalResponse } from 'nitropack/types'
import type { FetchOptions } from 'ofetch'

/** The contract's error shape (§2), thrown by every call made through useApi(). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code: string,
    readonly data: Record<string, unknown> = {}
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code)
}

interface FetchFailure { statusCode?: number, status?: number, data?: unknown, message?: string }

function toApiError(error: unknown): ApiError {
  const failure = (error ?? {}) as FetchFailure
  const statusCode = failure.statusCode ?? failure.status ?? 0
  const body = (typeof failure.data === 'object' && failure.data !== null ? failure.data : {}) as {
    message?: unknown
    data?: { code?: unknown } & Record<string, unknown>
  }
  const code = typeof body.data?.code === 'string' ? body.data.code : statusCode ? 'http_error' : 'network_error'
  const message = typeof body.message === 'string' ? body.message : statusCode ? `Request failed (${statusCode})` : 'Network error: check your connection'
  return new ApiError(statusCode, message, code, body.data ?? {})
}

type Method = Uppercase<RouterMethod>
type ApiOptions<M extends Method> = FetchOptions<'json'> & { method?: M }
/** What the handler behind `/api${P}` answers to M: Nitro infers it from server/api (its generated InternalApi). */
type ApiResponse<P extends string, M extends Method = 'GET'> = TypedInternalResponse<`/api${P}`, unknown, Lowercase<M>>

/**
 * The one $fetch wrapper: same-origin with the session cookie (forwarded during SSR through
 * useRequestFetch), and every failure rethrown as an ApiError. Call it synchronously in a setup
 * context (component, store setup, middleware) so the SSR request is captured.
 */
export function useApi() {
  const request = useRequestFetch()
  return async <P extends string, M extends Method = 'GET'>(path: P, options: ApiOptions<M> = {}) => {
    try {
      // Nitro's $fetch types the same routes, but cannot reduce its conditional types for a generic path.
      return await (request as (p: string, o: object) => Promise<ApiResponse<P, M>>)(`/api${path}`, options)
    } catch (error) {
      throw toApiError(error)
    }
  }
}
