import type { ReasonInput } from '../components/admin/AdminReasonModal.vue'

export interface ReasonPrompt {
  title: string
  description: string
  confirmLabel: string
  withUntil?: boolean
  /** The API call; resolves to the sentence the toast and the status line say. */
  run: (input: ReasonInput) => Promise<string>
}

/**
 * One AdminReasonModal shared by a page's destructive actions: `ask()` opens it for an action; after a success a
 * toast and a status line say what happened. When the button that opened it is gone or disabled by then (a
 * removed row, a status that is now current), focus moves to the status line rather than to nothing.
 */
export function useReasonPrompt() {
  const toast = useToast()
  const open = ref(false)
  const prompt = shallowRef<ReasonPrompt>({ title: '', description: '', confirmLabel: '', run: async () => '' })
  const lastResult = ref('')
  const statusEl = ref<HTMLElement | null>(null)
  let result: string | undefined

  let opener: HTMLElement | null = null
  function ask(next: ReasonPrompt) {
    opener = import.meta.client ? document.activeElement as HTMLElement | null : null
    prompt.value = next
    result = undefined
    open.value = true
  }
  const run = async (input: ReasonInput) => {
    result = await prompt.value.run(input)
  }
  function done() {
    lastResult.value = result ?? 'Done'
    toast.add({ title: lastResult.value, color: 'success', icon: 'i-lucide-check' })
  }
  function closed() {
    if (result === undefined) return
    result = undefined
    const lost = () => {
      const active = document.activeElement as HTMLElement | null
      return !active || active === document.body || !active.isConnected || active.matches(':disabled')
    }
    const button = opener
    // The dialog hands focus back to its opener first; check once that has happened.
    setTimeout(() => {
      if (lost()) return statusEl.value?.focus()
      if (!button) return
      // The opener may go a moment later (its row leaves when the list reloads, or it turns disabled): follow it
      // until then, so focus never drops to the page.
      const observer = new MutationObserver(() => {
        if (button.isConnected && !button.matches(':disabled')) return
        observer.disconnect()
        if (lost() || document.activeElement === button) statusEl.value?.focus()
      })
      observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] })
      setTimeout(() => observer.disconnect(), 5000)
    }, 0)
  }

  // For <AdminReasonPrompt>: it renders the status line and the modal, and reports back through these.
  const bindStatus = (el: unknown) => {
    statusEl.value = el instanceof HTMLElement ? el : null
  }
  const setOpen = (value: boolean) => {
    open.value = value
  }

  return { open, prompt, run, done, closed, lastResult, statusEl, ask, bindStatus, setOpen }
}

/** What `<AdminReasonPrompt :state>` renders from. */
export type ReasonPromptState = ReturnType<typeof useReasonPrompt>
