import { describe, expect, it } from 'vitest'
import { wireFrame } from '../../server/realtime/hub'

// The fan-out writes each event's frame, built once, straight to every recipient's socket (server/realtime/hub.ts):
// it must be exactly the unmasked, uncompressed, final text frame that ws.send would have written.
describe('wireFrame', () => {
  it('frames short text as FIN + text opcode with a 7-bit length', () => {
    const { wire, payload } = wireFrame('{"a":"é"}')
    expect(payload.toString()).toBe('{"a":"é"}')
    expect([...wire.subarray(0, 2)]).toEqual([0x81, payload.length])
    expect(wire.subarray(2).equals(payload)).toBe(true)
  })

  it('uses the 16-bit and 64-bit extended lengths past 125 and 65,535 bytes', () => {
    const medium = wireFrame('x'.repeat(300))
    expect([...medium.wire.subarray(0, 4)]).toEqual([0x81, 126, 300 >> 8, 300 & 0xff])
    expect(medium.wire).toHaveLength(304)
    const large = wireFrame('y'.repeat(70_000))
    expect([...large.wire.subarray(0, 2)]).toEqual([0x81, 127])
    expect(large.wire.readBigUInt64BE(2)).toBe(70_000n)
    expect(large.wire).toHaveLength(70_010)
  })
})
