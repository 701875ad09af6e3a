import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eicarBytes, startClamd } from '../helpers/clamd'
import type { ClamdProcess } from '../helpers/clamd'
import { uploadFile } from '../helpers/files'
import { wsConnect } from '../helpers/ws'
import { createConversation, createProjectFixture, on, startCluster, waitFor } from './cluster'
import type { Cluster } from './cluster'

// Two instances share the job queue: each completed file is scanned exactly once, by whichever instance claims
// the job, and the verdict reaches the uploader's socket on the other instance through Redis.
describe('file scans on two instances', () => {
  let cluster: Cluster
  let clamd: ClamdProcess
  beforeAll(async () => {
    clamd = await startClamd()
    cluster = await startCluster({ CLAMAV_SOCKET: clamd.socketPath, FILE_SCAN_CONCURRENCY: '2' })
  })
  afterAll(async () => {
    await cluster?.teardown()
    await clamd?.stop()
  })

  it('scans each file once across instances and tells the uploader on either instance', async () => {
    const f = await createProjectFixture(cluster.a.baseURL, cluster.admin)
    const conversationId = await createConversation(f, [f.client])
    const onB = on(cluster.b, f.client)
    const socket = await wsConnect(cluster.b.baseURL, { token: f.client.token })

    const files: { id: string, infected: boolean }[] = []
    for (let i = 0; i < 12; i++) {
      const infected = i % 4 === 0
      // Alternate the instance that takes the upload and the complete.
      const uploader = i % 2 ? onB : f.client
      const bytes = infected ? eicarBytes() : Buffer.from(`file ${i}\n`)
      const file = await uploadFile(uploader, conversationId, { name: `f${i}.txt`, type: 'text/plain', bytes })
      files.push({ id: file.id, infected })
    }
    const verdicts = new Map<string, any>()
    while (verdicts.size < files.length) {
      const frame = await socket.next(fr => fr.type === 'file:updated', 30_000)
      verdicts.set(frame.data.file.id, frame.data.file)
    }
    for (const file of files) {
      expect(verdicts.get(file.id)).toMatchObject(file.infected ? { status: 'blocked', blockedReason: 'infected' } : { status: 'available' })
    }
    // Exactly one announcement per file on the socket, and one decision in the logs of the two instances together.
    expect(socket.frames.filter(fr => fr.type === 'file:updated')).toHaveLength(files.length)
    const decided = (cluster.a.output() + cluster.b.output()).split('\n').filter(line => line.includes('file scanned'))
    for (const file of files) expect(decided.filter(line => line.includes(file.id)), file.id).toHaveLength(1)

    const blocked = await waitFor(async () => {
      const res = await cluster.admin.api.get('/admin/audit?action=file.blocked&limit=100')
      return res.body.entries.length >= 3 ? res.body.entries : undefined
    }, 'the blocked files in the audit log')
    const infectedIds = files.filter(x => x.infected).map(x => x.id).sort()
    expect(blocked.map((e: any) => e.targetId).sort()).toEqual(infectedIds)
    const jobs = (await cluster.admin.api.get('/admin/jobs?name=files.scan&state=completed&limit=500')).body.jobs
    expect(jobs.length).toBeGreaterThanOrEqual(files.length)
  })
})
