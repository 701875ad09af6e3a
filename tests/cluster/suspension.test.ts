import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { wsConnect } from '../helpers/ws'
import { on, startCluster } from './cluster'
import type { Cluster } from './cluster'

// The periodic sweep is pushed out of reach: sockets on the other instance can only close through the
// suspension notice on the user's bus channel.
let cluster: Cluster
let f: ProjectFixture

describe('suspension across instances', () => {
  beforeAll(async () => {
    cluster = await startCluster({ WS_SWEEP_MS: '3600000' })
    f = await createProjectFixture(cluster.a.baseURL, cluster.admin)
  })
  afterAll(async () => {
    await cluster?.teardown()
  })

  it('closes the suspended user\'s sockets on both instances with 4001 and keeps everyone else connected', async () => {
    const onA = await wsConnect(cluster.a.baseURL, { token: f.client.token })
    const onB = await wsConnect(cluster.b.baseURL, { token: f.client.token })
    const other = await wsConnect(cluster.b.baseURL, { token: f.client2.token })
    const res = await on(cluster.b, cluster.admin).api.post(`/admin/users/${f.client.user.id}/suspend`, { reason: 'spam' })
    expect(res.status).toBe(200)
    expect((await onA.closed).code).toBe(4001)
    expect((await onB.closed).code).toBe(4001)
    expect((await other.request('ping')).ok).toBe(true)
    expect((await on(cluster.a, f.client).api.get('/me')).body.data.code).toBe('suspended')
  })
})
