/** Seconds as the two largest units people read at a glance: "45 s", "4 m 30 s", "2 h 5 m", "3 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const units: [number, string][] = [[86_400, 'd'], [3_600, 'h'], [60, 'm'], [1, 's']]
  const parts: string[] = []
  let rest = s
  for (const [size, unit] of units) {
    if (parts.length === 2) break
    const n = Math.floor(rest / size)
    if (n > 0 || parts.length > 0) parts.push(`${n} ${unit}`)
    rest -= n * size
  }
  return parts.filter(p => !p.startsWith('0 ')).join(' ')
}

/** "just now", "7 minutes ago", "3 hours ago": how old the numbers are. */
export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`
  return `${Math.floor(hours / 24)} days ago`
}

/** Numbers are stale once older than two refresh intervals: one scheduled refresh was missed. */
export const isStale = (refreshedAt: string | null, intervalSeconds: number, now: number) =>
  refreshedAt !== null && now - Date.parse(refreshedAt) > intervalSeconds * 2000
