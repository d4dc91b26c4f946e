/**
 * Collection values of Dataverse query functions (PropertyValues=["a","b"]) are read as JSON by
 * Microsoft.OData's lenient JsonReader: single- or double-quoted strings, backslash escapes, no
 * quote doubling. That is why filter-rows.md tells users to write ["O'Brian"], and why
 * ['O'Brian'] fails with the documented missing-comma message.
 */
import type { JsonScalar } from './filter-ast'
import { msg } from './filter-messages'

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const WORDS: ReadonlyMap<string, JsonScalar> = new Map([
  ['true', true],
  ['false', false],
  ['null', null]
])
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t'
}

export function readJsonArray(text: string): JsonScalar[] {
  const reader = new Reader(text)
  reader.expect('[')
  const items: JsonScalar[] = []
  if (!reader.take(']')) {
    for (;;) {
      items.push(reader.value())
      if (reader.take(']')) break
      if (!reader.take(',')) throw msg.jsonMissingComma()
    }
  }
  reader.expectEnd()
  return items
}

class Reader {
  private i = 0

  constructor(private readonly text: string) {}

  private skipSpace(): void {
    while (/\s/.test(this.text[this.i] ?? '')) this.i++
  }

  take(ch: string): boolean {
    this.skipSpace()
    if (this.text[this.i] !== ch) return false
    this.i++
    return true
  }

  expect(ch: string): void {
    if (!this.take(ch)) throw msg.jsonInvalid(this.text)
  }

  expectEnd(): void {
    this.skipSpace()
    if (this.i !== this.text.length) throw msg.jsonInvalid(this.text)
  }

  value(): JsonScalar {
    this.skipSpace()
    const ch = this.text[this.i]
    if (ch === '"' || ch === "'") return this.string(ch)
    NUMBER.lastIndex = this.i
    const number = NUMBER.exec(this.text)
    if (number) {
      this.i += number[0].length
      return Number(number[0])
    }
    for (const [word, value] of WORDS) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length
        return value
      }
    }
    throw msg.jsonInvalid(this.text)
  }

  private string(quote: string): string {
    let out = ''
    for (let j = this.i + 1; j < this.text.length; j++) {
      const ch = this.text[j] as string
      if (ch === quote) {
        this.i = j + 1
        return out
      }
      if (ch !== '\\') {
        out += ch
        continue
      }
      const escaped = this.text[++j] ?? ''
      if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(j + 1, j + 5))) {
        out += String.fromCharCode(parseInt(this.text.slice(j + 1, j + 5), 16))
        j += 4
      } else if (Object.hasOwn(ESCAPES, escaped)) {
        out += ESCAPES[escaped]
      } else {
        throw msg.jsonInvalid(this.text)
      }
    }
    throw msg.jsonInvalid(this.text)
  }
}
