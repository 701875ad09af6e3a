import { mkdtemp, rm } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createClamdScanner, INSTREAM_CHUNK_BYTES } from '../../server/adapters/scanner/clamd'
import type { ClamdProcess } from '../helpers/clamd'
import { EICAR_SIGNATURE, eicarBytes, startClamd } from '../helpers/clamd'

const MiB = 1024 * 1024

/** hwm 1: the stream itself reads at most one chunk ahead of the scanner. */
function streamOf(chunks: () => Generator<Buffer>): Readable {
  return Readable.from(chunks(), { highWaterMark: 1 })
}

function* cleanBytes(total: number, size = MiB): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += size) yield Buffer.alloc(Math.min(size, total - sent), 'switchboard clean bytes ')
}

/**
 * A Unix socket in front of clamd that passes bytes both ways (with backpressure) and reads the INSTREAM
 * framing on the way in: the length of every chunk, and how many bytes have reached it.
 */
async function startTap(upstreamPath: string) {
  const dir = await mkdtemp(join(tmpdir(), 'sb-clamd-tap-'))
  const socketPath = join(dir, 'tap.sock')
  const lengths: number[] = []
  let received = 0
  const server: Server = createServer((client: Socket) => {
    const clamd = connect(upstreamPath)
    let skip = 'zINSTREAM\0'.length
    let header = Buffer.alloc(0)
    let remaining = 0
    client.on('data', (data: Buffer) => {
      received += data.length
      for (let i = 0; i < data.length;) {
        const step = skip || remaining
        if (step) {
          const n = Math.min(step, data.length - i)
          if (skip) skip -= n
          else remaining -= n
          i += n
          continue
        }
        const part = data.subarray(i, i + 4 - header.length)
        header = Buffer.concat([header, part])
        i += part.length
        if (header.length === 4) {
          remaining = header.readUInt32BE()
          lengths.push(remaining)
          header = Buffer.alloc(0)
        }
      }
    })
    client.pipe(clamd).pipe(client)
    client.on('error', () => clamd.destroy())
    clamd.on('error', () => client.destroy())
  })
  await new Promise<void>(resolve => server.listen(socketPath, resolve))
  return {
    socketPath,
    lengths,
    received: () => received,
    async stop() {
      await new Promise(resolve => server.close(resolve))
      await rm(dir, { recursive: true, force: true })
    }
  }
}

describe('clamd virus scanner', () => {
  let clamd: ClamdProcess
  beforeAll(async () => {
    clamd = await startClamd()
  })
  afterAll(async () => {
    await clamd?.stop()
  })
  const scanner = () => createClamdScanner({ socketPath: clamd.socketPath, timeoutMs: 10_000 })

  it('finds the EICAR test file and names its signature', async () => {
    expect(await scanner().scan(Readable.from([eicarBytes()]))).toEqual({ clean: false, signature: EICAR_SIGNATURE })
  })

  it('passes a clean file', async () => {
    expect(await scanner().scan(Readable.from([Buffer.from('quarterly report, final version\n')]))).toEqual({ clean: true })
  })

  it('finds EICAR appended after 5 MB of clean bytes streamed from a generator', async () => {
    const body = streamOf(function* () {
      yield* cleanBytes(5 * MiB)
      yield eicarBytes()
    })
    expect(await scanner().scan(body)).toEqual({ clean: false, signature: EICAR_SIGNATURE })
  })

  it('streams a 20 MB body in chunks of at most 64 KiB, reading the body only as fast as the socket takes it', async () => {
    const tap = await startTap(clamd.socketPath)
    let pulled = 0
    let mostAhead = 0
    const body = streamOf(function* () {
      for (const chunk of cleanBytes(20 * MiB, 256 * 1024)) {
        mostAhead = Math.max(mostAhead, pulled - tap.received())
        pulled += chunk.length
        yield chunk
      }
    })
    try {
      expect(await createClamdScanner({ socketPath: tap.socketPath, timeoutMs: 10_000 }).scan(body)).toEqual({ clean: true })
    } finally {
      await tap.stop()
    }
    expect(tap.lengths.at(-1)).toBe(0)
    expect(Math.max(...tap.lengths)).toBeLessThanOrEqual(INSTREAM_CHUNK_BYTES)
    expect(tap.lengths.reduce((a, b) => a + b, 0)).toBe(20 * MiB)
    // Buffering the file first would put all 20 MiB ahead of the socket.
    expect(mostAhead).toBeLessThan(2 * MiB)
  })

  it('rejects when the body stream fails midway, and clamd still answers', async () => {
    const body = streamOf(function* () {
      yield* cleanBytes(MiB)
      throw new Error('disk read failed')
    })
    const error = await scanner().scan(body).catch(e => e)
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe('virus scan aborted: reading the file failed')
    expect(error.cause.message).toBe('disk read failed')
    expect(await scanner().ping()).toBe(true)
  })

  it('rejects when the exchange outlasts its timeout, and stops reading the body', async () => {
    const body = new Readable({ read() {} })
    body.push(Buffer.alloc(1024))
    const error = await createClamdScanner({ socketPath: clamd.socketPath, timeoutMs: 300 }).scan(body).catch(e => e)
    expect(error.message).toBe('clamd did not answer within 300 ms')
    expect(body.destroyed).toBe(true)
  })

  it('answers ping while clamd runs', async () => {
    expect(await scanner().ping()).toBe(true)
  })

  it('is chosen from CLAMAV_SOCKET, and absent without CLAMAV_SOCKET or CLAMAV_HOST', async () => {
    vi.stubEnv('CLAMAV_SOCKET', clamd.socketPath)
    vi.resetModules()
    const configured = (await import('../../server/adapters/scanner/use-scanner')).useVirusScanner()
    expect(configured?.kind).toBe('clamd')
    expect(await configured!.ping()).toBe(true)
    vi.stubEnv('CLAMAV_SOCKET', '')
    vi.stubEnv('CLAMAV_HOST', '')
    vi.resetModules()
    expect((await import('../../server/adapters/scanner/use-scanner')).useVirusScanner()).toBeUndefined()
    vi.unstubAllEnvs()
    vi.resetModules()
  })
})

describe('clamd virus scanner when clamd cannot scan', () => {
  it('rejects a body over clamd\'s StreamMaxLength with a clear error', async () => {
    const small = await startClamd({ streamMaxLength: '1M' })
    try {
      const scanner = createClamdScanner({ socketPath: small.socketPath, timeoutMs: 10_000 })
      const error = await scanner.scan(streamOf(() => cleanBytes(4 * MiB))).catch(e => e)
      expect(error.message).toMatch(/clamd could not scan the file: INSTREAM size limit exceeded|StreamMaxLength/)
    } finally {
      await small.stop()
    }
  })

  it('rejects with a clear error, and ping says false, once clamd is stopped', async () => {
    const stopped = await startClamd()
    const scanner = createClamdScanner({ socketPath: stopped.socketPath, timeoutMs: 10_000 })
    expect(await scanner.ping()).toBe(true)
    await stopped.stop()
    const error = await scanner.scan(Readable.from([Buffer.from('hello')])).catch(e => e)
    expect(error.message).toMatch(/^clamd is unreachable: /)
    expect(await scanner.ping()).toBe(false)
  })

  it('rejects with a clear error, and ping says false, when nothing listens on the TCP port', async () => {
    const server = createServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise(resolve => server.close(resolve))
    const scanner = createClamdScanner({ host: '127.0.0.1', port, timeoutMs: 10_000 })
    const error = await scanner.scan(Readable.from([Buffer.from('hello')])).catch(e => e)
    expect(error.message).toMatch(/^clamd is unreachable: connect ECONNREFUSED/)
    expect(await scanner.ping()).toBe(false)
  })
})
