import type { Ref } from 'vue'
import { applyCompletion, findTrigger } from '../utils/completion'
import type { CompletionItem, CompletionTrigger } from '../utils/completion'

/** One kind of completion: what opens it, how many characters it needs, where its items come from. */
export interface CompletionSource {
  char: string
  minChars: number
  search: (query: string) => CompletionItem[] | Promise<CompletionItem[]>
  /** Rewrites text the moment it is typed (a closed `:shortcode:`), before any list is looked up. */
  expand?: (text: string, caret: number) => Promise<{ text: string, caret: number } | null>
}

/**
 * Completion in a textarea, shared by `:shortcode:` and `@mention` (one listbox, one set of keys): ArrowUp/Down
 * move, Enter or Tab picks, Escape closes. Wire `onInput`, `onCaret` and `onKeydown` to the field, and bind
 * `aria` to it (the ARIA 1.2 combobox pattern, https://www.w3.org/WAI/ARIA/apg/patterns/combobox/).
 */
export function useComposerCompletion(text: Ref<string>, field: () => HTMLTextAreaElement | null | undefined, sources: CompletionSource[]) {
  const listId = useId()
  const items = ref<CompletionItem[]>([])
  const active = ref(0)
  const trigger = shallowRef<CompletionTrigger | null>(null)
  // Escape closes the list until the next keystroke that changes the text.
  let dismissed = false
  let lookup = 0
  const open = computed(() => !!trigger.value && items.value.length > 0)

  function close() {
    trigger.value = null
    items.value = []
    lookup++
  }

  async function refresh() {
    const el = field()
    if (!el || dismissed || el.selectionStart !== el.selectionEnd) return close()
    const found = findTrigger(text.value, el.selectionStart, sources.map(s => s.char))
    const source = found && sources.find(s => s.char === found.char)
    if (!found || !source || found.query.length < source.minChars) return close()
    const mine = ++lookup
    const results = await source.search(found.query)
    if (mine !== lookup) return
    if (trigger.value?.start !== found.start || trigger.value.query !== found.query) active.value = 0
    trigger.value = found
    items.value = results
    active.value = Math.min(active.value, Math.max(results.length - 1, 0))
  }

  async function setText(next: { text: string, caret: number }) {
    text.value = next.text
    await nextTick()
    field()?.setSelectionRange(next.caret, next.caret)
  }

  async function onInput() {
    dismissed = false
    const el = field()
    const typed = text.value
    for (const source of sources) {
      const expanded = el && await source.expand?.(typed, el.selectionStart)
      // Typing went on while the data loaded: the next input event looks again.
      if (text.value !== typed) return
      if (expanded) {
        await setText(expanded)
        return close()
      }
    }
    await refresh()
  }

  async function pick(index = active.value) {
    const item = items.value[index]
    const at = trigger.value
    if (!item || !at) return
    close()
    await setText(applyCompletion(text.value, at, item.insert))
    field()?.focus()
  }

  /** Handles the key when the list is open; returns true when it did (the field must not act on it too). */
  function onKeydown(event: KeyboardEvent): boolean {
    if (!open.value || event.isComposing) return false
    const count = items.value.length
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      active.value = (active.value + (event.key === 'ArrowDown' ? 1 : count - 1)) % count
    } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey) {
      pick()
    } else if (event.key === 'Escape') {
      dismissed = true
      close()
    } else {
      return false
    }
    event.preventDefault()
    return true
  }

  const optionId = (index: number) => `${listId}-${index}`
  const aria = computed(() => ({
    'role': 'combobox',
    'aria-autocomplete': 'list' as const,
    'aria-expanded': open.value,
    'aria-controls': listId,
    'aria-activedescendant': open.value ? optionId(active.value) : undefined
  }))

  return { listId, items, active, open, aria, optionId, pick, close, onInput, onCaret: refresh, onKeydown }
}
