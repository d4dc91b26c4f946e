/**
 * Text for the HTML report. Everything that comes from a run — keys, values, error messages,
 * names — goes through `esc` before it is written; nothing is ever inserted as markup.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

/** Escapes text for an element's content and for a quoted attribute value. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/** A value as people read it: text as is, anything else as JSON; cut when very long. */
export function shown(value: unknown, max = 300): string {
  if (value === null || value === undefined) return '∅'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > max ? `${text.slice(0, max)}…` : text
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US')

export function duration(ms: number | null): string {
  if (ms === null) return '—'
  if (ms < 1000) return `${int(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return minutes < 60
    ? `${minutes} min ${seconds} s`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

export function bytes(n: number): string {
  if (n < 1024) return `${int(n)} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** A time as UTC, readable and unambiguous in a printed report. */
export const when = (iso: string | null): string =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '—'
