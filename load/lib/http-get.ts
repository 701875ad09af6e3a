import { Agent, request } from 'node:http'

/**
 * GETs over kept-alive node:http sockets, one per concurrent caller. The benches time the server, and on two
 * shared cores the client's own CPU competes with it: `fetch` (undici) spent about 1.4–1.8 ms of CPU per history
 * request here, node:http about a fifth of that — pgbench, the yardstick, is a C client.
 */
export function keepAliveGetter(maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets })
  return {
    get(url: string, headers: Record<string, string>): Promise<{ status: number, text: string }> {
      return new Promise((resolve, reject) => {
        const req = request(url, { agent, headers }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', reject)
        })
        req.on('error', reject)
        req.end()
      })
    },
    close: () => agent.destroy()
  }
}
