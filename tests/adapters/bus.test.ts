import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Bus } from '../../server/adapters/bus/bus'
import { createMemoryBus } from '../../server/adapters/bus/memory'
import { createRedisBus } from '../../server/adapters/bus/redis'
import { REDIS_URL, collector, uniquePrefix, waitUntil } from './helpers'

interface BusFixture {
  create(): Bus
  /** How many connections the backing service sees subscribed to a channel (Redis: PUBSUB NUMSUB). */
  subscribers(bus: Bus, channel: string): Promise<number>
}

const silent = () => {}
const channel = () => `conv:${randomBytes(4).toString('hex')}`

function describeBus(name: string, fixture: BusFixture) {
  describe(`${name} bus`, () => {
    const open: Bus[] = []
    const create = () => {
      const bus = fixture.create()
      open.push(bus)
      return bus
    }
    afterEach(async () => {
      await Promise.all(open.splice(0).map(b => b.close()))
    })

    it('delivers payloads to every handler in publish order', async () => {
      const bus = create()
      const ch = channel()
      const a = collector()
      const b = collector()
      await bus.subscribe(ch, a.handler)
      await bus.subscribe(ch, b.handler)
      for (const n of [1, 2, 3, 4, 5]) await bus.publish(ch, `m${n}`)
      expect(await a.waitFor(5)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'])
      expect(await b.waitFor(5)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'])
    })

    it('keeps channels apart', async () => {
      const bus = create()
      const [one, two] = [channel(), channel()]
      const a = collector()
      const b = collector()
      await bus.subscribe(one, a.handler)
      await bus.subscribe(two, b.handler)
      await bus.publish(one, 'for-one')
      await bus.publish(two, 'for-two')
      expect(await a.waitFor(1)).toEqual(['for-one'])
      expect(await b.waitFor(1)).toEqual(['for-two'])
    })

    it('unsubscribes from the service only when the last local handler leaves', async () => {
      const bus = create()
      const ch = channel()
      const first = collector()
      const second = collector()
      const offFirst = await bus.subscribe(ch, first.handler)
      const offSecond = await bus.subscribe(ch, second.handler)
      expect(await fixture.subscribers(bus, ch)).toBe(1)

      await offFirst()
      await offFirst()
      expect(await fixture.subscribers(bus, ch)).toBe(1)
      await bus.publish(ch, 'after-first-left')
      expect(await second.waitFor(1)).toEqual(['after-first-left'])

      await offSecond()
      expect(await fixture.subscribers(bus, ch)).toBe(0)
      expect(bus.channels()).not.toContain(ch)

      // A marker on a channel still subscribed proves the earlier publish had its chance to arrive.
      const marker = collector()
      const other = channel()
      await bus.subscribe(other, marker.handler)
      await bus.publish(ch, 'nobody-listens')
      await bus.publish(other, 'marker')
      await marker.waitFor(1)
      expect(first.values).toEqual([])
      expect(second.values).toEqual(['after-first-left'])
    })

    it('ends subscribed after a quick subscribe, unsubscribe, subscribe', async () => {
      const bus = create()
      const ch = channel()
      const c = collector()
      const first = bus.subscribe(ch, c.handler)
      const off = await first
      const [again] = await Promise.all([bus.subscribe(ch, c.handler), off()])
      expect(await fixture.subscribers(bus, ch)).toBe(1)
      await bus.publish(ch, 'once')
      expect(await c.waitFor(1)).toEqual(['once'])
      await again()
      expect(await fixture.subscribers(bus, ch)).toBe(0)
    })

    it('counts the same function subscribed twice as two subscriptions', async () => {
      const bus = create()
      const ch = channel()
      const c = collector()
      const off1 = await bus.subscribe(ch, c.handler)
      await bus.subscribe(ch, c.handler)
      await off1()
      await bus.publish(ch, 'still-here')
      expect(await c.waitFor(1)).toEqual(['still-here'])
    })

    it('keeps delivering to other handlers when one throws or rejects', async () => {
      const bus = create()
      const ch = channel()
      const ok = collector()
      await bus.subscribe(ch, () => {
        throw new Error('boom')
      })
      await bus.subscribe(ch, async () => {
        throw new Error('async boom')
      })
      await bus.subscribe(ch, ok.handler)
      await bus.publish(ch, 'one')
      await bus.publish(ch, 'two')
      expect(await ok.waitFor(2)).toEqual(['one', 'two'])
    })

    it('refuses to publish or subscribe after close', async () => {
      const bus = create()
      await bus.close()
      await expect(bus.publish(channel(), 'x')).rejects.toThrow(/closed/)
      await expect(bus.subscribe(channel(), () => {})).rejects.toThrow(/closed/)
    })
  })
}

describeBus('memory', {
  create: () => createMemoryBus({ onError: silent }),
  subscribers: async (bus, ch) => (bus.channels().includes(ch) ? 1 : 0)
})

describe('memory bus specifics', () => {
  it('delivers asynchronously, never inside publish', async () => {
    const bus = createMemoryBus()
    const c = collector()
    await bus.subscribe('x', c.handler)
    const sent = bus.publish('x', 'later')
    expect(c.values).toEqual([])
    await sent
    expect(await c.waitFor(1)).toEqual(['later'])
    await bus.close()
  })

  it('hands the publisher\'s own object to handlers, so nothing in the process parses it again', async () => {
    const bus = createMemoryBus<{ n: number }>()
    const event = { n: 1 }
    const got = new Promise<unknown>(resolve => bus.subscribe('x', (_payload, decoded) => resolve(decoded)))
    await bus.publish('x', JSON.stringify(event), event)
    expect(await got).toBe(event)
    await bus.close()
  })
})

const prefix = uniquePrefix('bus')
let admin: Redis
beforeAll(() => {
  admin = new Redis(REDIS_URL)
})
afterAll(async () => {
  await admin.quit()
})

async function numsub(ch: string): Promise<number> {
  const reply = await admin.pubsub('NUMSUB', `${prefix}bus:${ch}`) as [string, number]
  return Number(reply[1])
}

describeBus('redis', {
  create: () => createRedisBus({ url: REDIS_URL, prefix, onError: silent }),
  subscribers: (_bus, ch) => numsub(ch)
})

describe('redis bus decoding', () => {
  it('hands its own handlers the publisher\'s object, and another instance only the text, never trusted as is', async () => {
    const bus = createRedisBus<{ n: number }>({ url: REDIS_URL, prefix, onError: silent })
    const other = createRedisBus<{ n: number }>({ url: REDIS_URL, prefix, onError: silent })
    const ch = channel()
    const here = new Promise<[string, unknown]>(resolve => bus.subscribe(ch, (payload, decoded) => resolve([payload, decoded])))
    const there = new Promise<[string, unknown]>(resolve => other.subscribe(ch, (payload, decoded) => resolve([payload, decoded])))
    await waitUntil(async () => (await numsub(ch)) === 2, 'subscriptions')
    const object = { n: 2 }
    await bus.publish(ch, '{"n":2}', object)
    const [payload, decoded] = await here
    expect(payload).toBe('{"n":2}')
    expect(decoded).toBe(object)
    expect(await there).toEqual(['{"n":2}', undefined])
    await Promise.all([bus.close(), other.close()])
  })

  it('delivers an instance\'s own publish once, not again when Redis echoes it back', async () => {
    const bus = createRedisBus({ url: REDIS_URL, prefix, onError: silent })
    const other = createRedisBus({ url: REDIS_URL, prefix, onError: silent })
    const ch = channel()
    const here = collector()
    const there = collector()
    await bus.subscribe(ch, here.handler)
    await other.subscribe(ch, there.handler)
    await bus.publish(ch, 'one')
    await bus.publish(ch, 'two')
    // `other` received both through Redis, so Redis has echoed both to `bus` too (one connection, in order)
    // by the time a marker published after them arrives.
    expect(await there.waitFor(2)).toEqual(['one', 'two'])
    const marker = collector()
    await bus.subscribe('marker', marker.handler)
    await other.publish('marker', 'done')
    await marker.waitFor(1)
    expect(here.values).toEqual(['one', 'two'])
    await Promise.all([bus.close(), other.close()])
  })
})

describe('redis bus across instances', () => {
  const open: Bus[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map(b => b.close()))
  })

  it('lets two instances see each other\'s publishes', async () => {
    const one = createRedisBus({ url: REDIS_URL, prefix, onError: silent })
    const two = createRedisBus({ url: REDIS_URL, prefix, onError: silent })
    open.push(one, two)
    const ch = channel()
    const atOne = collector()
    const atTwo = collector()
    await one.subscribe(ch, atOne.handler)
    await two.subscribe(ch, atTwo.handler)
    expect(await numsub(ch)).toBe(2)
    await one.publish(ch, 'from-one')
    await two.publish(ch, 'from-two')
    // Each instance hears its own publish at once and the other's through Redis: both, in no promised order.
    expect((await atOne.waitFor(2)).sort()).toEqual(['from-one', 'from-two'])
    expect((await atTwo.waitFor(2)).sort()).toEqual(['from-one', 'from-two'])
  })

  it('does not see another prefix\'s channels', async () => {
    const mine = createRedisBus({ url: REDIS_URL, prefix, onError: silent })
    const theirs = createRedisBus({ url: REDIS_URL, prefix: uniquePrefix('other'), onError: silent })
    open.push(mine, theirs)
    const ch = channel()
    const seen = collector()
    const marker = collector()
    await mine.subscribe(ch, seen.handler)
    await mine.subscribe('marker', marker.handler)
    await theirs.publish(ch, 'foreign')
    await mine.publish('marker', 'done')
    await marker.waitFor(1)
    expect(seen.values).toEqual([])
  })

  it('resubscribes after its subscriber connection is killed', async () => {
    const name = `sbtest-${randomBytes(4).toString('hex')}`
    const bus = createRedisBus({ url: REDIS_URL, prefix, connectionName: name, onError: silent })
    open.push(bus)
    const ch = channel()
    const c = collector()
    await bus.subscribe(ch, c.handler)
    await bus.publish(ch, 'before')
    await c.waitFor(1)

    const subscriberId = async () => {
      const list = await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub') as string
      const line = list.split('\n').find(l => l.includes(` name=${name}-sub `))
      return line?.match(/^id=(\d+)/)?.[1]
    }
    const killed = await subscriberId()
    expect(killed).toBeDefined()
    await admin.call('CLIENT', 'KILL', 'ID', killed!)
    await waitUntil(async () => {
      const id = await subscriberId()
      return id !== undefined && id !== killed && await numsub(ch) === 1
    }, 'the subscriber to reconnect and resubscribe')

    // From another instance: the bus's own publishes reach it without Redis, so they would prove nothing here.
    const other = createRedisBus({ url: REDIS_URL, prefix, onError: silent })
    open.push(other)
    await other.publish(ch, 'after')
    expect(await c.waitFor(2)).toEqual(['before', 'after'])
  })
})

describe('redis bus: publishing only where another instance listens', () => {
  const open: Array<Bus | Redis> = []
  const bus = (connectionName?: string) => {
    const created = createRedisBus({ url: REDIS_URL, prefix, connectionName, onError: silent })
    open.push(created)
    return created
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map(b => (b instanceof Redis ? b.disconnect() : b.close())))
  })

  /** The payloads of PUBLISH commands on a channel of this prefix as Redis executes them (MONITOR). */
  async function watchPublishes(ch: string) {
    const monitor = await admin.monitor()
    open.push(monitor)
    const payloads: string[] = []
    monitor.on('monitor', (_time: string, args: string[]) => {
      // The bus tags each payload with its instance (16 hex digits and '|').
      if (args[0]?.toLowerCase() === 'publish' && args[1] === `${prefix}bus:${ch}`) payloads.push(args[2]!.slice(17))
    })
    return payloads
  }

  it('stops sending a channel\'s publishes to Redis once PUBLISH shows that no other instance follows it', async () => {
    const ch = channel()
    const sent = await watchPublishes(ch)
    const alone = bus()
    const here = collector()
    await alone.subscribe(ch, here.handler)
    for (const n of [1, 2, 3]) await alone.publish(ch, `m${n}`)
    // Its own sockets still get everything.
    expect(await here.waitFor(3)).toEqual(['m1', 'm2', 'm3'])
    // A publish on a fresh channel always goes out; once Redis ran it, anything published before it had too.
    const marker = channel()
    const markers = await watchPublishes(marker)
    await alone.publish(marker, 'marker')
    await waitUntil(() => markers.length === 1, 'the marker to reach Redis')
    expect(sent).toEqual(['m1'])
  })

  it('hands a follower that arrives later what follows, and what was skipped just before it announced itself', async () => {
    const ch = channel()
    const first = bus()
    const later = bus()
    const atFirst = collector()
    const atLater = collector()
    await first.subscribe(ch, atFirst.handler)
    await first.publish(ch, 'before-anyone') // Redis counts only `first`: the channel is quiet from here
    await first.publish(ch, 'skipped')
    await later.subscribe(ch, atLater.handler)
    await first.publish(ch, 'after')
    await first.publish(ch, 'end')
    expect(await atLater.waitFor(3)).toEqual(['skipped', 'after', 'end'])
    expect(atFirst.values).toEqual(['before-anyone', 'skipped', 'after', 'end'])
  })

  it('hears a follower again after its subscriber connection came back, though Redis counted nobody meanwhile', async () => {
    const name = `sbtest-${randomBytes(4).toString('hex')}`
    const ch = channel()
    const publisher = bus()
    const follower = bus(name)
    const atFollower = collector()
    await follower.subscribe(ch, atFollower.handler)
    await publisher.publish(ch, 'before')
    expect(await atFollower.waitFor(1)).toEqual(['before'])

    const list = await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub') as string
    const killed = list.split('\n').find(l => l.includes(` name=${name}-sub `))?.match(/^id=(\d+)/)?.[1]
    expect(killed).toBeDefined()
    await admin.call('CLIENT', 'KILL', 'ID', killed!)
    // Nobody follows the channel now: the publisher marks it quiet.
    await publisher.publish(ch, 'while-away')
    await waitUntil(async () => await numsub(ch) === 1, 'the follower to resubscribe')
    await publisher.publish(ch, 'back')
    await waitUntil(() => atFollower.values.includes('back'), 'the publish after the follower came back')
  })
})
