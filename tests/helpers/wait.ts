/** Polls a probe (an HTTP call whose answer changes outside the test's control) until it passes or times out. */
export async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value)}`)
    await new Promise(r => setTimeout(r, 100))
  }
}
