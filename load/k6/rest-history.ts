// Behaviour: people scrolling history and catching up over REST (GET messages before/after a seq, GET events).
//   k6 run -e BASE_URL=… -e ADMIN_EMAIL=… -e ADMIN_PASSWORD=… -e RATE=50 -e DURATION=60 load/k6/rest-history.ts
import { check } from 'k6'
import http from 'k6/http'
import type { Options } from 'k6/options'
import { adminToken, createConversation, createProject, createUsers, envInt, get, stampedContent, BASE_URL } from './lib/common.ts'
import type { BenchUser } from './lib/common.ts'

const READERS = envInt('READERS', 10)
const HISTORY = envInt('HISTORY', 1000)
const RATE = envInt('RATE', 50)
const DURATION = envInt('DURATION', 60)

export const options: Options = {
  setupTimeout: '10m',
  scenarios: {
    history: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: `${DURATION}s`,
      preAllocatedVUs: Math.max(5, Math.ceil(RATE / 5)),
      maxVUs: Math.max(20, RATE)
    }
  },
  thresholds: {
    'http_req_duration{name:messages}': [`p(95)<${envInt('MESSAGES_P95_MS', 150)}`],
    'http_req_duration{name:events}': [`p(95)<${envInt('EVENTS_P95_MS', 150)}`],
    'checks': ['rate>0.99']
  }
}

export function setup(): { readers: BenchUser[], conversationId: string } {
  const admin = adminToken()
  const projectId = createProject(admin, 'history')
  const readers = createUsers(admin, projectId, READERS, 'hist')
  const conversationId = createConversation(admin, projectId, 'history', readers)
  // HISTORY messages, written by the readers in turn, 20 requests per batch.
  for (let i = 0; i < HISTORY; i += 20) {
    http.batch(Array.from({ length: Math.min(20, HISTORY - i) }, (_, j) => ({
      method: 'POST',
      url: `${BASE_URL}/api/conversations/${conversationId}/messages`,
      body: JSON.stringify({ clientId: `k6-hist-${i + j}-${Date.now()}`, content: stampedContent(`history ${i + j}`, 200) }),
      params: { headers: { 'content-type': 'application/json', 'authorization': `Bearer ${readers[(i + j) % readers.length]!.token}` } }
    })))
  }
  return { readers, conversationId }
}

export default function (data: { readers: BenchUser[], conversationId: string }) {
  const reader = data.readers[Math.floor(Math.random() * data.readers.length)]!
  const at = 1 + Math.floor(Math.random() * HISTORY)
  const page = Math.random() < 0.5
    ? get(`/conversations/${data.conversationId}/messages?before=${at}&limit=50`, reader.token, 'messages')
    : get(`/conversations/${data.conversationId}/messages?after=${at}&limit=50`, reader.token, 'messages')
  check(page, {
    'history page is 200': r => r.status === 200,
    'history page is ascending by seq': (r) => {
      const seqs = (r.json('messages') as Array<{ seq: number }> | undefined)?.map(m => m.seq) ?? []
      return seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)
    }
  })
  const events = get(`/conversations/${data.conversationId}/events?after=${Math.max(0, HISTORY - 100)}&limit=100`, reader.token, 'events')
  check(events, { 'events page is 200': r => r.status === 200 && r.json('reset') === false })
}
