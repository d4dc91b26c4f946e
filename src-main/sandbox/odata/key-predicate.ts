import { errors } from '../http/errors'

/**
 * The key predicate of a resource path: `(guid)`, `(accountid=guid)`, `(accountnumber='A-1')`,
 * compound `(a='x',b=2)`, lookups `(_primarycontactid_value=guid)` (reference §2.1). Parsed with
 * the sandbox's own code, as the service would: quotes doubled inside strings (§2.2).
 */
export type KeyLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'guid'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }

export type KeyPredicate =
  | { kind: 'single'; literal: KeyLiteral }
  | { kind: 'named'; pairs: { name: string; literal: KeyLiteral }[] }

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/

export function parseKeyPredicate(text: string): KeyPredicate {
  const whole = `(${text})`
  let pos = 0
  const syntax = (): never => {
    // An undoubled quote (`'O'Brien'`) leaves an odd number of quotes after the point where
    // parsing stopped: the OData lexer then reads a string that never ends. §2.2 documents that
    // message for key segments (`(name='Men's Shoes')`); the position is the end of the text.
    const quotes = text.slice(pos).split("'").length - 1
    if (quotes % 2 === 1) {
      throw errors.uriParse(
        `There is an unterminated literal at position ${whole.length} in '${whole}'.`
      )
    }
    throw errors.uriParse('Bad Request - Error in query syntax.')
  }

  const literal = (): KeyLiteral => {
    const rest = text.slice(pos)
    if (rest.startsWith("'")) {
      let value = ''
      let i = pos + 1
      for (;;) {
        if (i >= text.length) {
          throw errors.uriParse(
            `There is an unterminated literal at position ${i + 1} in '${whole}'.`
          )
        }
        const ch = text[i]!
        if (ch === "'") {
          if (text[i + 1] === "'") {
            value += "'"
            i += 2
            continue
          }
          pos = i + 1
          return { kind: 'string', value }
        }
        value += ch
        i += 1
      }
    }
    const guid = GUID.exec(rest)
    if (guid) {
      pos += guid[0].length
      return { kind: 'guid', value: guid[0].toLowerCase() }
    }
    const number = NUMBER.exec(rest)
    if (number) {
      pos += number[0].length
      return { kind: 'number', value: Number(number[0]), text: number[0] }
    }
    for (const word of ['true', 'false', 'null'] as const) {
      if (rest.startsWith(word)) {
        pos += word.length
        return word === 'null' ? { kind: 'null' } : { kind: 'boolean', value: word === 'true' }
      }
    }
    return syntax()
  }

  const skipSpaces = (): void => {
    while (text[pos] === ' ') pos += 1
  }

  skipSpaces()
  const name = NAME.exec(text.slice(pos))
  const afterName = name ? text.slice(pos + name[0].length).trimStart() : ''
  if (!name || !afterName.startsWith('=') || GUID.test(text.slice(pos))) {
    const single = literal()
    skipSpaces()
    if (pos !== text.length) syntax()
    return { kind: 'single', literal: single }
  }
  const pairs: { name: string; literal: KeyLiteral }[] = []
  for (;;) {
    skipSpaces()
    const n = NAME.exec(text.slice(pos))
    if (!n) syntax()
    pos += n![0].length
    skipSpaces()
    if (text[pos] !== '=') syntax()
    pos += 1
    skipSpaces()
    pairs.push({ name: n![0], literal: literal() })
    skipSpaces()
    if (pos === text.length) break
    if (text[pos] !== ',') syntax()
    pos += 1
  }
  if (new Set(pairs.map((p) => p.name)).size !== pairs.length) syntax()
  return { kind: 'named', pairs }
}
