import type { Ref } from 'vue'

/** How long a finger rests on a message before its actions open: about what phones use for their own menus. */
const LONG_PRESS_MS = 500
/** A finger that moves further than this is scrolling, not pressing. */
const MOVE_TOLERANCE_PX = 10
/** A press that starts on these keeps its own meaning (follow the link, press the button, edit the text). */
const OWN_GESTURE = 'a, button, input, textarea, select, [contenteditable], dialog'

/**
 * Calls `onPress` when a touch (or pen) rests on the element for LONG_PRESS_MS without moving. Mouse presses are
 * ignored: a mouse has hover and right-click. The browser's own long-press menu is suppressed while ours opens.
 */
export function useLongPress(target: Ref<HTMLElement | null | undefined>, onPress: () => void) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let start: { x: number, y: number } | undefined
  let fired = false

  function cancel() {
    clearTimeout(timer)
    timer = undefined
    start = undefined
  }

  function onPointerDown(event: PointerEvent) {
    if (event.pointerType === 'mouse' || !event.isPrimary) return
    if ((event.target as Element | null)?.closest(OWN_GESTURE)) return
    cancel()
    fired = false
    start = { x: event.clientX, y: event.clientY }
    timer = setTimeout(() => {
      fired = true
      cancel()
      onPress()
    }, LONG_PRESS_MS)
  }

  function onPointerMove(event: PointerEvent) {
    if (start && Math.hypot(event.clientX - start.x, event.clientY - start.y) > MOVE_TOLERANCE_PX) cancel()
  }

  function onContextMenu(event: Event) {
    if (timer || fired) event.preventDefault()
  }

  // The click that ends a long-press must not also act on what is under the finger.
  function onClick(event: Event) {
    if (!fired) return
    fired = false
    event.preventDefault()
    event.stopPropagation()
  }

  const listeners: [string, EventListener, AddEventListenerOptions][] = [
    ['pointerdown', onPointerDown as EventListener, { passive: true }],
    ['pointermove', onPointerMove as EventListener, { passive: true }],
    ['pointerup', cancel, { passive: true }],
    ['pointercancel', cancel, { passive: true }],
    ['contextmenu', onContextMenu, {}],
    ['click', onClick, { capture: true }]
  ]
  onMounted(() => listeners.forEach(([type, fn, opts]) => target.value?.addEventListener(type, fn, opts)))
  onBeforeUnmount(() => {
    cancel()
    listeners.forEach(([type, fn, opts]) => target.value?.removeEventListener(type, fn, opts))
  })
}
