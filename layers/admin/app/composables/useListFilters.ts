import type { LocationQuery } from 'vue-router'

const DEFAULT_LIMIT = 50

function firstString(value: LocationQuery[string] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value
  return typeof v === 'string' && v.trim() ? v.trim() : undefined
}

/**
 * A list's filters kept in the URL query (shareable, and Back restores them); the API validates them, so a bad
 * value shows the API's own message. `limit` is the page size, 1–200, kept only when the URL already has one.
 */
export function useListFilters<K extends string>(keys: readonly K[]) {
  const route = useRoute()
  const router = useRouter()

  const filters = computed(() => {
    const out: Partial<Record<K, string>> = {}
    for (const key of keys) {
      const v = firstString(route.query[key])
      if (v) out[key] = v
    }
    return out
  })
  const limit = computed(() => {
    const n = Number(firstString(route.query.limit))
    return Number.isInteger(n) && n >= 1 && n <= 200 ? n : DEFAULT_LIMIT
  })
  const active = computed(() => Object.keys(filters.value).length > 0)

  function apply(next: Partial<Record<K, string>>) {
    const query: Record<string, string> = {}
    for (const key of keys) {
      const v = next[key]?.trim()
      if (v) query[key] = v
    }
    if (route.query.limit) query.limit = String(limit.value)
    return router.push({ query })
  }

  return { filters, limit, active, apply, clear: () => apply({}) }
}
