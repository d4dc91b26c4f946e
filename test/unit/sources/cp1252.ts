// Kept apart from the vitest helpers so the fixture script can use it too.
/** windows-1252 bytes of a string (the characters used in tests are all in the code page). */
export function cp1252(text: string): Buffer {
  const special: Record<string, number> = {
    '€': 0x80,
    '‚': 0x82,
    '„': 0x84,
    '…': 0x85,
    '’': 0x92,
    '“': 0x93,
    '”': 0x94,
    '–': 0x96,
    '—': 0x97
  }
  return Buffer.from(
    [...text].map((c) => {
      const code = special[c] ?? c.charCodeAt(0)
      if (code > 0xff) throw new Error(`'${c}' is not in windows-1252`)
      return code
    })
  )
}
