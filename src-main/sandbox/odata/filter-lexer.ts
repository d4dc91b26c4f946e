/**
 * Tokens of OData query expressions ($filter, $orderby, parameter alias values). Scanning is lazy,
 * one token ahead, like Microsoft.OData's ExpressionLexer, so the first error a client gets is the
 * one nearest the start of the text — which is what makes §2.2's documented message come out right:
 * in `lastname eq 'O'Bryan'` the string `'O'` ends early and `Bryan'…` then reads as a typed
 * literal whose quote never closes.
 */
import { msg } from './filter-messages'

export type TokenKind =
  | 'ident'
  | 'string'
  | 'typed'
  | 'number'
  | 'guid'
  | 'datetime'
  | 'date'
  | 'alias'
  | 'bracket'
  | '('
  | ')'
  | ','
  | '/'
  | '='
  | ':'
  | '-'
  | 'end'

export interface Token {
  readonly kind: TokenKind
  /** Raw text of the token as written. */
  readonly text: string
  /** Decoded content: the string without quotes and with '' undoubled, the identifier, the alias. */
  readonly value: string
  /** For 'typed': the (possibly dotted) name before the quote, e.g. Microsoft.Dynamics.CRM.OwnershipTypes. */
  readonly prefix?: string
  readonly pos: number
  readonly end: number
}

const IDENT = /[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}\p{Cf}]*/uy
const IDENT_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}\p{Cf}]/u
const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/y
const DATETIME =
  /(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?(?:[Zz]|[+-]\d{2}:\d{2})/y
const DATE = /(\d{4})-(\d{2})-(\d{2})/y
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?/y
const WHITESPACE = /\s/
const PUNCTUATION = new Set(['(', ')', ',', '/', '=', ':'])

function matchAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at
  return re.exec(text)
}

const isIdentPart = (ch: string | undefined): boolean => ch !== undefined && IDENT_PART.test(ch)

function validCalendar(m: RegExpExecArray): boolean {
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const timeOk =
    m[4] === undefined || (Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? 0) < 60)
  return month >= 1 && month <= 12 && day >= 1 && day <= days && timeOk
}

export class FilterLexer {
  private current: Token

  constructor(readonly text: string) {
    this.current = this.scan(0)
  }

  get token(): Token {
    return this.current
  }

  next(): Token {
    this.current = this.scan(this.current.end)
    return this.current
  }

  peek(): Token {
    return this.scan(this.current.end)
  }

  private make(kind: TokenKind, pos: number, end: number, value?: string, prefix?: string): Token {
    const text = this.text.slice(pos, end)
    return {
      kind,
      text,
      value: value ?? text,
      pos,
      end,
      ...(prefix === undefined ? {} : { prefix })
    }
  }

  private scan(from: number): Token {
    const text = this.text
    let i = from
    while (i < text.length && WHITESPACE.test(text[i] as string)) i++
    const ch = text[i]
    if (ch === undefined) return this.make('end', text.length, text.length)
    if (PUNCTUATION.has(ch)) return this.make(ch as TokenKind, i, i + 1)
    if (ch === "'") return this.scanString(i)
    if (ch === '[') return this.scanBracket(i)
    if (ch === '@') return this.scanAlias(i)
    if (ch >= '0' && ch <= '9') return this.scanNumeric(i)
    if (ch === '-') {
      const after = text[i + 1]
      return after !== undefined && after >= '0' && after <= '9'
        ? this.scanNumeric(i)
        : this.make('-', i, i + 1)
    }
    if (matchAt(IDENT, text, i)) return this.scanIdentifier(i)
    throw msg.invalidCharacter(ch, i, text)
  }

  /** A quoted run starting at `open`; '' stays inside. Returns the index after the closing quote. */
  private closeQuote(open: number): number {
    let j = open + 1
    for (;;) {
      const k = this.text.indexOf("'", j)
      if (k < 0) return -1
      if (this.text[k + 1] !== "'") return k + 1
      j = k + 2
    }
  }

  private scanString(i: number): Token {
    const end = this.closeQuote(i)
    if (end < 0) throw msg.unterminatedString(this.text.length, this.text)
    return this.make('string', i, end, this.text.slice(i + 1, end - 1).replaceAll("''", "'"))
  }

  /** Single-quoted runs are skipped while balancing, as Microsoft.OData does; double quotes are not. */
  private scanBracket(i: number): Token {
    let depth = 1
    let j = i + 1
    while (depth > 0) {
      const ch = this.text[j]
      if (ch === undefined) throw msg.unbalancedBracket()
      if (ch === "'") {
        const close = this.text.indexOf("'", j + 1)
        if (close < 0) throw msg.unbalancedBracket()
        j = close + 1
        continue
      }
      if (ch === '[') depth++
      else if (ch === ']') depth--
      j++
    }
    return this.make('bracket', i, j)
  }

  private scanAlias(i: number): Token {
    const m = matchAt(IDENT, this.text, i + 1)
    if (!m) {
      const ch = this.text[i + 1]
      if (ch === undefined) throw msg.syntax(i + 1, this.text)
      throw msg.invalidCharacter(ch, i + 1, this.text)
    }
    const end = i + 1 + m[0].length
    return this.make('alias', i, end)
  }

  private scanIdentifier(i: number): Token {
    const text = this.text
    const guid = matchAt(GUID, text, i)
    if (guid && !isIdentPart(text[i + guid[0].length])) {
      return this.make('guid', i, i + guid[0].length)
    }
    let end = i
    for (;;) {
      const m = matchAt(IDENT, text, end)
      if (!m) break
      end += m[0].length
      if (text[end] !== '.' || !matchAt(IDENT, text, end + 1)) break
      end++
    }
    const name = text.slice(i, end)
    if (text[end] !== "'") return this.make('ident', i, end, name)
    // A name glued to a quote is a typed literal (enum Ns.Type'Member', binary'…', …).
    const close = this.closeQuote(end)
    if (close < 0) throw msg.unterminatedLiteral(text.length, text)
    return this.make('typed', i, close, text.slice(end + 1, close - 1).replaceAll("''", "'"), name)
  }

  private scanNumeric(i: number): Token {
    const text = this.text
    const signed = text[i] === '-'
    const unsigned = signed ? i + 1 : i
    if (!signed) {
      const guid = matchAt(GUID, text, i)
      if (guid && !isIdentPart(text[i + guid[0].length])) {
        return this.make('guid', i, i + guid[0].length)
      }
    }
    for (const [re, kind] of [
      [DATETIME, 'datetime'],
      [DATE, 'date']
    ] as const) {
      const m = matchAt(re, text, unsigned)
      if (signed || !m || isIdentPart(text[unsigned + m[0].length])) continue
      if (!validCalendar(m)) throw msg.syntax(i, text)
      return this.make(kind, i, i + m[0].length)
    }
    const m = matchAt(NUMBER, text, i)
    const end = i + (m?.[0].length ?? 0)
    const after = text[end]
    if (after === '.' || after === 'e' || after === 'E') throw msg.digitExpected(end + 1, text)
    if (isIdentPart(after)) throw msg.syntax(end, text)
    return this.make('number', i, end)
  }
}
