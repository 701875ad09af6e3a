import { connect } from 'node:net'
import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import type { ScanVerdict, VirusScanner } from './scanner'

// The protocol: https://docs.clamav.net/manual/Usage/Scanning.html#instream — a `z` command gets a
// NUL-terminated reply; INSTREAM takes chunks, each after its length as 4 bytes big-endian, ended by length 0.
export const INSTREAM_CHUNK_BYTES = 64 * 1024

export interface ClamdOptions {
  socketPath?: string
  host?: string
  port?: number
  /** For the whole exchange: connect, send every chunk, read the reply. */
  timeoutMs: number
}

function lengthPrefix(length: number): Buffer {
  const header = Buffer.alloc(4)
  header.writeUInt32BE(length)
  return header
}

/** Resolves on 'drain', or on 'close' (the exchange is then already settled). */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done)
      socket.off('close', done)
      resolve()
    }
    socket.on('drain', done)
    socket.on('close', done)
  })
}

async function sendChunks(socket: Socket, body: Readable, settled: () => boolean): Promise<void> {
  try {
    for await (const data of body) {
      const bytes: Buffer = typeof data === 'string' ? Buffer.from(data) : data
      for (let offset = 0; offset < bytes.length; offset += INSTREAM_CHUNK_BYTES) {
        if (settled()) return
        const chunk = bytes.subarray(offset, offset + INSTREAM_CHUNK_BYTES)
        socket.write(lengthPrefix(chunk.length))
        if (!socket.write(chunk)) await drained(socket)
      }
    }
  } catch (error) {
    throw new Error('virus scan aborted: reading the file failed', { cause: error })
  }
  if (!settled()) socket.write(lengthPrefix(0))
}

/** One clamd connection: sends a command (and a body), resolves with the reply without its NUL. */
function exchange(options: ClamdOptions, command: string, body?: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = options.socketPath
      ? connect(options.socketPath)
      : connect(options.port ?? 3310, options.host)
    let reply = ''
    let settled = false
    let bodySent = !body
    const finish = (error: Error | undefined, text = '') => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (!bodySent) body!.destroy()
      if (error) reject(error)
      else resolve(text)
    }
    const timer = setTimeout(() => finish(new Error(`clamd did not answer within ${options.timeoutMs} ms`)), options.timeoutMs)
    socket.setEncoding('utf8')
    socket.on('data', (data: string) => {
      reply += data
      const end = reply.indexOf('\0')
      if (end >= 0) finish(undefined, reply.slice(0, end))
    })
    socket.on('end', () => finish(reply ? undefined : new Error('clamd closed the connection without an answer'), reply.trim()))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const broken = error.code === 'EPIPE' || error.code === 'ECONNRESET'
      finish(new Error(broken && !bodySent
        ? 'clamd closed the connection before the end of the file (larger than its StreamMaxLength?)'
        : `clamd is unreachable: ${error.message}`, { cause: error }))
    })
    socket.on('close', () => finish(new Error('clamd closed the connection without an answer')))
    socket.once('connect', () => {
      socket.write(command)
      if (!body) return
      sendChunks(socket, body, () => settled).then(
        () => { bodySent = true },
        error => finish(error)
      )
    })
  })
}

function parseVerdict(reply: string): ScanVerdict {
  if (reply === 'stream: OK') return { clean: true }
  const found = /^stream: (.+) FOUND$/.exec(reply)
  if (found) return { clean: false, signature: found[1]! }
  if (reply.endsWith(' ERROR')) {
    throw new Error(`clamd could not scan the file: ${reply.slice(0, -' ERROR'.length).replace(/^stream: /, '')}`)
  }
  throw new Error(`clamd sent an unexpected reply: ${JSON.stringify(reply.slice(0, 200))}`)
}

/** clamd over a Unix socket (socketPath) or TCP (host, port 3310), one connection per call. */
export function createClamdScanner(options: ClamdOptions): VirusScanner {
  if (!options.socketPath && !options.host) throw new Error('clamd needs a socketPath or a host')
  return {
    kind: 'clamd',
    async scan(body) {
      return parseVerdict(await exchange(options, 'zINSTREAM\0', body))
    },
    async ping() {
      return exchange(options, 'zPING\0').then(reply => reply === 'PONG', () => false)
    }
  }
}
