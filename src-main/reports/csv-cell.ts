/**
 * A text cell that begins with = + - @ (or a tab or carriage return) is a formula to a
 * spreadsheet; prefixing it with an apostrophe makes it plain text again (OWASP "CSV
 * injection"). Numbers and booleans are written as they are: -5 is a value, not a formula.
 */
export function safeCsvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}
