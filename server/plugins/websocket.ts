import type { NodeOptions } from 'crossws/adapters/node'
import { MAX_FRAME_BYTES } from '../realtime/connection'

/**
 * Contract §5: frames over 64 KiB close with 1009 as soon as their header announces the size, before the
 * payload is buffered. That is `ws`'s maxPayload, which crossws takes as `serverOptions`; Nitro builds the
 * node adapter from the h3 app's websocket options after plugins ran, so this is where it can be set.
 */
export default defineNitroPlugin((nitroApp) => {
  const options = nitroApp.h3App.options
  const nodeOptions: NodeOptions = { ...options.websocket, serverOptions: { maxPayload: MAX_FRAME_BYTES } }
  options.websocket = nodeOptions
})
