/**
 * Dates and times of the message list, in the viewer's locale and time zone. Pure: `now`, the locale and the
 * time zone are passed in, so the server render (which knows neither) and the tests are deterministic.
 */
export interface TimeContext {
  now: Date
  /** BCP 47 tag; undefined means the runtime's default (the viewer's, in the browser). */
  locale?: string
  /** IANA zone; undefined means the runtime's default. */
  timeZone?: string
}

const MINUTE = 60_000
const DAY = 86_400_000

/** The calendar day of an instant in a time zone, as a sortable `YYYY-MM-DD` key. */
export function dayKey(date: Date, timeZone?: string): string {
  // en-CA formats dates as YYYY-MM-DD whatever the viewer's locale.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date)
}

/** Whole calendar days from `date` to `now` in the time zone (0 = same day, 1 = yesterday). */
export function daysAgo(date: Date, { now, timeZone }: TimeContext): number {
  const utc = (key: string) => {
    const [y, m, d] = key.split('-').map(Number)
    return Date.UTC(y!, m! - 1, d!)
  }
  return Math.round((utc(dayKey(now, timeZone)) - utc(dayKey(date, timeZone))) / DAY)
}

function capitalise(text: string, locale?: string): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1)
}

/** The day separator: "Today", "Yesterday", a weekday within the last week, else the full date. */
export function dayLabel(date: Date, ctx: TimeContext): string {
  const { locale, timeZone, now } = ctx
  const days = daysAgo(date, ctx)
  if (days === 0 || days === 1) {
    return capitalise(new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-days, 'day'), locale)
  }
  if (days > 1 && days < 7) return new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long' }).format(date)
  const sameYear = dayKey(date, timeZone).slice(0, 4) === dayKey(now, timeZone).slice(0, 4)
  return new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', month: 'long', day: 'numeric', year: sameYear ? undefined : 'numeric' }).format(date)
}

/** The time of day, e.g. "2:41 PM" (or "14:41", as the locale writes it). */
export function timeOfDay(date: Date, { locale, timeZone }: TimeContext): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit' }).format(date)
}

/**
 * The short time next to a message: "just now" under a minute, "3 min" under an hour, else the time of day (the
 * day separator above says which day). A clock a little ahead of the server's counts as "just now".
 */
export function relativeTime(date: Date, ctx: TimeContext): string {
  const elapsed = ctx.now.getTime() - date.getTime()
  if (elapsed < MINUTE) return 'just now'
  if (elapsed < 60 * MINUTE) {
    return new Intl.NumberFormat(ctx.locale, { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(Math.floor(elapsed / MINUTE))
  }
  return timeOfDay(date, ctx)
}

/** The exact moment, for the hover title: "Tuesday, December 1, 2026 at 2:41:07 PM". */
export function exactTime(date: Date, { locale, timeZone }: TimeContext): string {
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full', timeStyle: 'medium' }).format(date)
}
