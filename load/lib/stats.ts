/** Latency summary in milliseconds: nearest-rank percentiles over every sample (no sampling, no histogram). */
export interface LatencySummary { count: number, p50: number, p95: number, p99: number, max: number, mean: number }

const round = (n: number) => Math.round(n * 100) / 100

export function summarize(samples: number[]): LatencySummary | null {
  if (samples.length === 0) return null
  const sorted = Float64Array.from(samples).sort()
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!
  let sum = 0
  for (const v of sorted) sum += v
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sum / sorted.length)
  }
}

export const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1000 / ms) * 10) / 10 : 0)

/** Counts per key, e.g. error codes. */
export function tally(into: Record<string, number>, key: string) {
  into[key] = (into[key] ?? 0) + 1
}

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))

/** Runs `fn` over `items` with at most `limit` in flight, keeping the input order in the result. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!, i)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** Polls `done` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(done: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) return false
    await sleep(everyMs)
  }
  return true
}
