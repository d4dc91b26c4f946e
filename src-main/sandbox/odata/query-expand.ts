/**
 * $expand=Attributes($select=LogicalName;$filter=…),Keys($select=KeyAttributes): items split on
 * commas and nested options on semicolons, both only at parenthesis depth 0 and outside quoted
 * strings, so `$filter=name eq 'a,b;c'` stays whole. Nested option values are returned as text for
 * the caller to hand to parseSelect/compileFilter/… against the expanded type.
 */
import { errors } from '../http/errors'
import { msg } from './filter-messages'

export interface ExpandItem {
  property: string
  options: Map<string, string>
}

const NESTED_OPTIONS: ReadonlySet<string> = new Set([
  '$select',
  '$filter',
  '$orderby',
  '$top',
  '$skip',
  '$count',
  '$expand',
  '$levels',
  '$search',
  '$apply',
  '$compute'
])
const PATH = /^[\p{L}_$][\p{L}\p{N}_$.]*(\/[\p{L}_$][\p{L}\p{N}_$.]*)*$|^\*$/u

export const termNotValid = (term: string) =>
  errors.uriParse(`Term '${term}' is not valid in a $select or $expand expression.`)

interface Piece {
  text: string
  start: number
}

/** Splits at `separator` outside parentheses and quotes; offsets are relative to `full`. */
function splitTopLevel(text: string, separator: string, offset: number, full: string): Piece[] {
  const pieces: Piece[] = []
  let depth = 0
  let from = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === "'") {
      const close = text.indexOf("'", i + 1)
      if (close < 0) throw msg.unterminatedString(offset + text.length, full)
      i = close
    } else if (ch === '(') {
      depth++
    } else if (ch === ')') {
      if (--depth < 0) throw msg.syntax(offset + i, full)
    } else if (ch === separator && depth === 0) {
      pieces.push({ text: text.slice(from, i), start: offset + from })
      from = i + 1
    }
  }
  if (depth !== 0) throw msg.closeParenOrComma(offset + text.length, full)
  pieces.push({ text: text.slice(from), start: offset + from })
  return pieces
}

/** Index of the ')' closing the '(' at `open`, skipping quoted strings. */
function closingParen(text: string, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    const ch = text[i]
    if (ch === "'") i = text.indexOf("'", i + 1)
    else if (ch === '(') depth++
    else if (ch === ')' && --depth === 0) return i
    if (i < 0) break
  }
  return -1
}

export function parseExpand(text: string): ExpandItem[] {
  if (text.trim() === '') throw msg.expressionExpected(0, text)
  return splitTopLevel(text, ',', 0, text).map((piece) => expandItem(piece, text))
}

function expandItem(piece: Piece, full: string): ExpandItem {
  const lead = piece.text.length - piece.text.trimStart().length
  const item = piece.text.trim()
  const start = piece.start + lead
  if (item === '') throw msg.expressionExpected(piece.start, full)
  const open = item.indexOf('(')
  const property = (open < 0 ? item : item.slice(0, open)).trim()
  if (!PATH.test(property)) throw termNotValid(property)
  const options = new Map<string, string>()
  if (open < 0) return { property, options }
  const close = closingParen(item, open)
  if (close !== item.length - 1)
    throw msg.syntax(start + (close < 0 ? item.length : close + 1), full)
  const inner = item.slice(open + 1, close)
  if (inner.trim() === '') throw errors.uriParse('Empty parenthesis not allowed.')
  for (const option of splitTopLevel(inner, ';', start + open + 1, full)) {
    const body = option.text.trim()
    const eq = body.indexOf('=')
    if (eq < 0) throw termNotValid(body)
    const key = body.slice(0, eq).trim()
    if (!NESTED_OPTIONS.has(key)) throw termNotValid(key)
    if (options.has(key)) throw msg.duplicateOption(key)
    options.set(key, body.slice(eq + 1).trim())
  }
  return { property, options }
}
