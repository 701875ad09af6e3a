import type { TimeContext } from '~/utils/message-time'

const TICK_MS = 20_000
// One clock for the whole list (not an interval per message); it runs while any component uses it.
const now = ref<Date | null>(null)
let users = 0
let timer: ReturnType<typeof setInterval> | undefined

/**
 * The time context of the message list. During SSR and hydration it is a fixed UTC/English one (the server knows
 * neither the viewer's zone nor their locale, and hydration must see the server's markup); once mounted it is the
 * viewer's own, and `now` moves on so "just now" becomes "1 min" without a reload.
 */
export function useMessageClock() {
  const mounted = ref(false)
  onMounted(() => {
    mounted.value = true
    users += 1
    now.value = new Date()
    timer ??= setInterval(() => {
      now.value = new Date()
    }, TICK_MS)
  })
  onBeforeUnmount(() => {
    users -= 1
    if (users === 0 && timer) {
      clearInterval(timer)
      timer = undefined
    }
  })
  return computed<TimeContext & { ready: boolean }>(() => mounted.value && now.value
    ? { now: now.value, locale: undefined, timeZone: undefined, ready: true }
    : { now: SERVER_EPOCH, locale: 'en-US', timeZone: 'UTC', ready: false })
}

// Before mount nothing is relative: times are shown as times of day, so `now` only has to be far in the future.
const SERVER_EPOCH = new Date(8.64e15)
