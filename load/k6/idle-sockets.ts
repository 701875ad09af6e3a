// Behaviour: N authenticated sockets that only stay connected (memory and CPU per idle socket, connect rate).
//   k6 run -e BASE_URL=http://localhost:3000 -e ADMIN_EMAIL=… -e ADMIN_PASSWORD=… -e SOCKETS=1000 load/k6/idle-sockets.ts
import { check } from 'k6'
import { Counter, Trend } from 'k6/metrics'
import type { Options } from 'k6/options'
import { setTimeout } from 'k6/timers'
import { WebSocket } from 'k6/websockets'
import { adminToken, createProject, createUsers, envInt, parseFrame, socketUrl } from './lib/common.ts'
import type { BenchUser } from './lib/common.ts'

const SOCKETS = envInt('SOCKETS', 1000)
const PER_USER = envInt('SOCKETS_PER_USER', 8)
const HOLD_SECONDS = envInt('HOLD_SECONDS', 60)
const RAMP_SECONDS = envInt('RAMP_SECONDS', 20)

const readyMs = new Trend('ws_ready_ms', true)
const readyCount = new Counter('ws_ready')
const frames = new Counter('ws_frames_received')

export const options: Options = {
  setupTimeout: '10m',
  scenarios: {
    idle: {
      executor: 'per-vu-iterations',
      vus: SOCKETS,
      iterations: 1,
      // Spread the handshakes: each VU waits (vu / SOCKETS) × RAMP_SECONDS before connecting.
      maxDuration: `${RAMP_SECONDS + HOLD_SECONDS + 60}s`
    }
  },
  thresholds: {
    checks: ['rate>0.99'],
    ws_ready_ms: [`p(95)<${envInt('READY_P95_MS', 1000)}`]
  }
}

export function setup(): { users: BenchUser[] } {
  const admin = adminToken()
  return { users: createUsers(admin, createProject(admin, 'idle'), Math.ceil(SOCKETS / PER_USER), 'idle') }
}

export default function (data: { users: BenchUser[] }) {
  const user = data.users[(__VU - 1) % data.users.length]!
  setTimeout(() => {
    const started = Date.now()
    let ready = false
    const ws = new WebSocket(socketUrl(user.token))
    ws.onmessage = (event) => {
      frames.add(1)
      const frame = parseFrame(event?.data)
      if (frame?.type !== 'ready' || ready) return
      ready = true
      readyMs.add(Date.now() - started)
      readyCount.add(1)
      setTimeout(() => ws.close(), HOLD_SECONDS * 1000)
    }
    ws.onclose = () => check(ready, { 'socket got ready before closing': r => r })
  }, (__VU / SOCKETS) * RAMP_SECONDS * 1000)
}
