import type { WatchSource } from 'vue'

export interface KeysetPage<T> { items: T[], nextCursor: string | null }

/**
 * A keyset-paged admin list: the first page follows `sources` (the URL's filters), "Load more" appends the next
 * page by cursor (keyset paging has no page count, so no numbered pagination). Await `ready` in setup.
 */
export function useKeysetList<T extends { id: string }>(key: string, load: (cursor?: string) => Promise<KeysetPage<T>>, sources: WatchSource[]) {
  const more = ref<T[]>([]) as Ref<T[]>
  const moreCursor = ref<string | null>()
  const first = useAsyncData(key, async () => {
    const page = await load()
    more.value = []
    moreCursor.value = undefined
    return page
  }, { watch: sources })
  const items = computed(() => [...(first.data.value?.items ?? []), ...more.value])
  const nextCursor = computed(() => moreCursor.value === undefined ? first.data.value?.nextCursor ?? null : moreCursor.value)

  const loadingMore = ref(false)
  const moreError = ref<string>()
  async function loadMore() {
    if (!nextCursor.value) return
    loadingMore.value = true
    moreError.value = undefined
    try {
      const page = await load(nextCursor.value)
      more.value.push(...page.items)
      moreCursor.value = page.nextCursor
    } catch (e) {
      moreError.value = e instanceof Error ? e.message : 'Could not load more'
    } finally {
      loadingMore.value = false
    }
  }

  /** Puts an item the API answered with in place of the listed one (after an action on a row). */
  function replace(item: T) {
    const swap = (list: T[]) => list.map(i => i.id === item.id ? item : i)
    if (first.data.value) first.data.value = { ...first.data.value, items: swap(first.data.value.items) }
    more.value = swap(more.value)
  }

  /** Drops a listed item the API has removed (a file deleted for good); the cursor stays valid, as it is keyset. */
  function remove(id: string) {
    if (first.data.value) first.data.value = { ...first.data.value, items: first.data.value.items.filter(i => i.id !== id) }
    more.value = more.value.filter(i => i.id !== id)
  }

  return {
    items, nextCursor, loadMore, loadingMore, moreError, replace, remove,
    loading: computed(() => first.status.value === 'pending'),
    error: first.error,
    refresh: first.refresh,
    ready: first.then(() => undefined)
  }
}
