/** LIKE pattern for a substring, with the wildcards of the text itself escaped (ESCAPE '\'). */
export const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** `(a LIKE ? ESCAPE '\' OR b LIKE ? …)` over the columns, with one parameter per column. */
export function likeAny(
  columns: readonly string[],
  text: string
): { sql: string; params: string[] } {
  const pattern = containing(text)
  return {
    sql: `(${columns.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`,
    params: columns.map(() => pattern)
  }
}
