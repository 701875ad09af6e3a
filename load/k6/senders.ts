// Behaviour: concurrent senders, each sending back to back (the next send after the previous ack): durable sends/s.
//   k6 run -e BASE_URL=… -e ADMIN_EMAIL=… -e ADMIN_PASSWORD=… -e SENDERS=20 -e MESSAGES=100 -e CONVERSATIONS=4 load/k6/senders.ts
import { check } from 'k6'
import { Counter, Trend } from 'k6/metrics'
import type { Options } from 'k6/options'
import { WebSocket } from 'k6/websockets'
import { adminToken, createConversation, createProject, createUsers, envInt, parseFrame, socketUrl, stampedContent } from './lib/common.ts'
import type { BenchUser } from './lib/common.ts'

const SENDERS = envInt('SENDERS', 20)
const MESSAGES = envInt('MESSAGES', 100)
const CONVERSATIONS = Math.max(1, Math.min(envInt('CONVERSATIONS', 4), SENDERS))
const BYTES = envInt('MESSAGE_BYTES', 120)

const ackMs = new Trend('ack_ms', true)
const acked = new Counter('acked_sends')
const sendErrors = new Counter('send_errors')

export const options: Options = {
  setupTimeout: '5m',
  scenarios: {
    senders: { executor: 'per-vu-iterations', vus: SENDERS, iterations: 1, maxDuration: '10m' }
  },
  thresholds: {
    ack_ms: [`p(95)<${envInt('ACK_P95_MS', 250)}`],
    send_errors: ['count==0'],
    checks: ['rate==1']
  }
}

export function setup(): { users: BenchUser[], conversationIds: string[] } {
  const admin = adminToken()
  const projectId = createProject(admin, 'senders')
  const users = createUsers(admin, projectId, SENDERS, 'snd')
  const conversationIds = Array.from({ length: CONVERSATIONS }, (_, c) =>
    createConversation(admin, projectId, `senders ${c}`, users.filter((_, k) => k % CONVERSATIONS === c)))
  return { users, conversationIds }
}

export default function (data: { users: BenchUser[], conversationIds: string[] }) {
  const k = (__VU - 1) % data.users.length
  const conversationId = data.conversationIds[k % data.conversationIds.length]!
  const ws = new WebSocket(socketUrl(data.users[k]!.token))
  let n = 0
  let sentAt = 0
  let ok = 0

  const sendNext = () => {
    if (n === MESSAGES) {
      ws.close()
      return
    }
    n++
    sentAt = Date.now()
    ws.send(JSON.stringify({
      type: 'message:send', id: `s${n}`,
      data: { conversationId, clientId: `k6-${__VU}-${n}-${sentAt}`, content: stampedContent(`${k}/${n}`, BYTES) }
    }))
  }

  ws.onmessage = (event) => {
    const frame = parseFrame(event?.data)
    if (frame?.type === 'ready') sendNext()
    else if (frame?.type === 'reply' && frame.id === `s${n}`) {
      ackMs.add(Date.now() - sentAt)
      if (frame.ok) {
        ok++
        acked.add(1)
      } else {
        sendErrors.add(1, { code: frame.error?.code ?? 'unknown' })
      }
      sendNext()
    }
  }
  ws.onclose = () => check(ok, { 'every send was acked': v => v === MESSAGES })
}
