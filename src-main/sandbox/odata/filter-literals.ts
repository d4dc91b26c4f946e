/**
 * Literal tokens → typed literals, and the text of a parameter alias (@p1='x') read as one literal.
 * Numbers get the Edm type Microsoft.OData would infer, so type errors name the same types.
 */
import type { Literal, ParamValue } from './filter-ast'
import { readJsonArray } from './filter-json'
import { FilterLexer, type Token } from './filter-lexer'
import { msg } from './filter-messages'

const INT32_MAX = 2147483647
const INT32_MIN = -2147483648
const UNSUPPORTED_PREFIXES = new Set(['binary', 'duration', 'geography', 'geometry', 'x'])

function numberLiteral(token: Token): Literal {
  const text = token.text
  const suffix = /[mMdDfFlL]$/.test(text) ? (text.at(-1) as string).toLowerCase() : ''
  const digits = suffix ? text.slice(0, -1) : text
  const value = Number(digits)
  if (!Number.isFinite(value)) throw msg.invalidNumber(digits)
  const fractional = /[.eE]/.test(digits)
  if (!fractional && (suffix === '' || suffix === 'l')) {
    if (suffix === '' && value >= INT32_MIN && value <= INT32_MAX) {
      return { type: 'integer', value, edmType: 'Edm.Int32' }
    }
    if (Number.isSafeInteger(value)) return { type: 'integer', value, edmType: 'Edm.Int64' }
    if (suffix === 'l') throw msg.invalidNumber(digits)
  }
  const edmType =
    suffix === 'm'
      ? 'Edm.Decimal'
      : suffix === 'f'
        ? 'Edm.Single'
        : suffix === 'd' || /[eE]/.test(digits)
          ? 'Edm.Double'
          : 'Edm.Decimal'
  return { type: 'decimal', value, edmType }
}

/** The literal a token stands for, or undefined when the token is no literal. */
export function literalOf(token: Token, text: string): Literal | undefined {
  switch (token.kind) {
    case 'string':
      return { type: 'string', value: token.value }
    case 'number':
      return numberLiteral(token)
    case 'guid':
      return { type: 'guid', value: token.text.toLowerCase() }
    case 'datetime':
    case 'date':
      return { type: token.kind, value: token.text }
    case 'typed': {
      const prefix = token.prefix ?? ''
      if (prefix.includes('.')) return { type: 'enum', enumType: prefix, value: token.value }
      if (UNSUPPORTED_PREFIXES.has(prefix.toLowerCase())) {
        throw msg.unsupported(`The '${prefix}' literal`)
      }
      throw msg.syntax(token.pos, text)
    }
    case 'ident':
      if (token.value === 'true' || token.value === 'false') {
        return { type: 'boolean', value: token.value === 'true' }
      }
      return token.value === 'null' ? { type: 'null' } : undefined
    default:
      return undefined
  }
}

/** Alias values are literal text in the query string: `@p1='O''Bryan'`, `@p2=["a","b"]`. */
export function aliasValue(
  name: string,
  aliases: ReadonlyMap<string, string> | undefined,
  pos: number
): ParamValue {
  const raw = aliases?.get(name)
  if (raw === undefined) throw msg.unknownAlias(name)
  if (raw.trimStart().startsWith('[')) return { kind: 'collection', items: readJsonArray(raw), pos }
  const lexer = new FilterLexer(raw)
  const token = lexer.token
  if (token.kind === 'end') throw msg.expressionExpected(token.pos, raw)
  const literal = literalOf(token, raw)
  if (!literal) throw msg.syntax(token.pos, raw)
  const after = lexer.next()
  if (after.kind !== 'end') throw msg.syntax(after.pos, raw)
  return { kind: 'literal', literal, pos }
}
