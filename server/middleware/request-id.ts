import { randomUUID } from 'node:crypto'
import { enterRequestContext } from '../platform/request-context'

// A proxy's id is kept when it looks like one (so logs join up across hops); anything else gets a fresh one.
const INCOMING_ID = /^[\w.:-]{8,64}$/

/** Gives every request an id (X-Request-Id, echoed back) for logs now and the audit log later. */
export default defineEventHandler((event) => {
  const incoming = getRequestHeader(event, 'x-request-id')
  const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID()
  event.context.requestId = requestId
  enterRequestContext({ requestId })
  setResponseHeader(event, 'x-request-id', requestId)
})
