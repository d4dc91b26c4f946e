/** Display formatting shared by the screens (the app's locale). */
const numberFormat = new Intl.NumberFormat()
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })

const shortFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' })

export const count = (n: number): string => numberFormat.format(n)

export const plural = (n: number, word: string, many = `${word}s`): string =>
  `${count(n)} ${n === 1 ? word : many}`

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date)
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`
}

/** A column value as text: empty values are shown as an em dash, not as nothing. */
export function value(v: string | number | boolean | null): string {
  if (v === null || v === '') return '—'
  if (typeof v === 'boolean') return v ? 'Yes' : 'No'
  return String(v)
}

export function shortDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : shortFormat.format(date)
}

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })
const dayFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit'
})

/** For narrow columns: the time alone today, the day and time this year, else the short date. */
export function compactDateTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  if (date.toDateString() === now.toDateString()) return timeFormat.format(date)
  if (date.getFullYear() === now.getFullYear()) return dayFormat.format(date)
  return shortFormat.format(date)
}
