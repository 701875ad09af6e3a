// Behaviour: chatters in one conversation of MEMBERS members; every send is delivered to every member socket.
//   k6 run -e BASE_URL=… -e ADMIN_EMAIL=… -e ADMIN_PASSWORD=… -e MEMBERS=100 -e RATE=20 -e DURATION=60 load/k6/fanout.ts
import { check } from 'k6'
import { Counter, Rate, Trend } from 'k6/metrics'
import type { Options } from 'k6/options'
import { clearInterval, setInterval, setTimeout } from 'k6/timers'
import { WebSocket } from 'k6/websockets'
import { adminToken, createConversation, createProject, createUsers, envInt, parseFrame, sentAtOf, socketUrl, stampedContent } from './lib/common.ts'
import type { BenchUser } from './lib/common.ts'

const MEMBERS = envInt('MEMBERS', 100)
/** Messages per second over the whole conversation; each member sends RATE / MEMBERS per second. */
const RATE = envInt('RATE', 20)
const DURATION = envInt('DURATION', 60)
const BYTES = envInt('MESSAGE_BYTES', 120)

const deliveryMs = new Trend('delivery_ms', true)
const ackMs = new Trend('ack_ms', true)
const deliveries = new Counter('deliveries')
const acked = new Counter('acked_sends')
const sendErrors = new Counter('send_errors')
const inOrder = new Rate('seq_in_order')

export const options: Options = {
  setupTimeout: '5m',
  scenarios: {
    fanout: { executor: 'per-vu-iterations', vus: MEMBERS, iterations: 1, maxDuration: `${DURATION + 90}s` }
  },
  thresholds: {
    delivery_ms: [`p(95)<${envInt('DELIVERY_P95_MS', 250)}`],
    ack_ms: [`p(95)<${envInt('ACK_P95_MS', 250)}`],
    seq_in_order: ['rate==1'],
    send_errors: ['count==0']
  }
}

export function setup(): { users: BenchUser[], conversationId: string } {
  const admin = adminToken()
  const projectId = createProject(admin, 'fanout')
  const users = createUsers(admin, projectId, MEMBERS, 'fan')
  return { users, conversationId: createConversation(admin, projectId, `fan-out ${MEMBERS}`, users) }
}

export default function (data: { users: BenchUser[], conversationId: string }) {
  const user = data.users[(__VU - 1) % data.users.length]!
  const ws = new WebSocket(socketUrl(user.token))
  const pending = new Map<string, number>()
  let lastSeq = 0
  let sent = 0
  let ready = false

  ws.onmessage = (event) => {
    const frame = parseFrame(event?.data)
    if (!frame) return
    if (frame.type === 'ready') {
      ready = true
      // Everyone connects first (5 s), then each member sends its share of RATE, then a 10 s drain.
      setTimeout(() => {
        const timer = setInterval(() => {
          const id = `${__VU}-${++sent}`
          pending.set(id, Date.now())
          ws.send(JSON.stringify({
            type: 'message:send', id,
            data: { conversationId: data.conversationId, clientId: `k6-${__VU}-${sent}-${Date.now()}`, content: stampedContent(id, BYTES) }
          }))
        }, 1000 * MEMBERS / RATE)
        setTimeout(() => clearInterval(timer), DURATION * 1000)
        setTimeout(() => ws.close(), (DURATION + 10) * 1000)
      }, 5000)
    } else if (frame.type === 'reply' && frame.id && pending.has(frame.id)) {
      ackMs.add(Date.now() - pending.get(frame.id)!)
      pending.delete(frame.id)
      if (frame.ok) acked.add(1)
      else sendErrors.add(1, { code: frame.error?.code ?? 'unknown' })
    } else if (frame.type === 'message:new' && frame.conversationId === data.conversationId) {
      inOrder.add(frame.seq === lastSeq + 1 || lastSeq === 0)
      lastSeq = Math.max(lastSeq, frame.seq ?? 0)
      const sentAt = sentAtOf(frame.data?.message?.content)
      if (sentAt !== undefined) deliveryMs.add(Date.now() - sentAt)
      deliveries.add(1)
    }
  }
  ws.onclose = () => check(ready, { 'member socket was ready': r => r })
}
