/**
 * The one string collation of the sandbox, used by eq/ne/gt/…, In/Between, contains/startswith/
 * endswith and $orderby alike. Dataverse runs filters in SQL Server under Latin1_General_CI_AI:
 * case-, accent-, width- and kana-insensitive (§8.4 "String compare is case-insensitive"), `=`
 * ignores trailing spaces, and contains/startswith/endswith are LIKE patterns in which %, _ and
 * [...] are wildcards (filter-rows.md "Use wildcard characters").
 */

// Anything outside printable ASCII takes the Unicode path (control characters are rare and harmless there).
const NON_ASCII = /[^ -~]/
const MARKS = /\p{M}+/gu
const EXPANDING = /[ßæœ]/g
const EXPANSIONS: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe' }
const collator = new Intl.Collator('en', { sensitivity: 'base' })

/** Case/accent/width-folded text; ASCII (the common case) costs one toLowerCase. */
export function foldText(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase()
  return text
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(EXPANDING, (c) => EXPANSIONS[c] ?? c)
}

/** The key `=` and ordering compare: folded, trailing spaces ignored as SQL Server does. */
export function textKey(text: string): string {
  const folded = foldText(text)
  return folded.charCodeAt(folded.length - 1) === 32 ? folded.replace(/ +$/, '') : folded
}

/** Orders two keys linguistically; equal only when the keys are identical, so eq and ge/le agree. */
export function compareTextKeys(a: string, b: string): number {
  if (a === b) return 0
  return collator.compare(a, b) || (a < b ? -1 : 1)
}

export type LikeMode = 'contains' | 'startswith' | 'endswith'

type PatternToken =
  | { kind: 'any' }
  | { kind: 'one' }
  | { kind: 'char'; ch: string }
  | { kind: 'set'; negate: boolean; chars: string; ranges: [string, string][] }

/**
 * A matcher over folded text. Without wildcards it is a plain includes/startsWith/endsWith;
 * with them a linear-backtracking glob match (no RegExp, so a pattern of many % cannot blow up).
 */
export function likeMatcher(pattern: string, mode: LikeMode): (folded: string) => boolean {
  const folded = foldText(pattern)
  if (!/[%_[]/.test(folded)) {
    if (mode === 'contains') return (value) => value.includes(folded)
    if (mode === 'startswith') return (value) => value.startsWith(folded)
    return (value) => value.endsWith(folded)
  }
  const tokens = tokenize(folded)
  if (!tokens) return () => false
  if (mode !== 'startswith') tokens.unshift({ kind: 'any' })
  if (mode !== 'endswith') tokens.push({ kind: 'any' })
  return (value) => globMatch(tokens, value)
}

/** undefined when a '[' never closes: SQL Server then matches nothing. */
function tokenize(pattern: string): PatternToken[] | undefined {
  const tokens: PatternToken[] = []
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '%') {
      if (tokens.at(-1)?.kind !== 'any') tokens.push({ kind: 'any' })
    } else if (ch === '_') {
      tokens.push({ kind: 'one' })
    } else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1)
      if (close < 0) return undefined
      tokens.push(charSet(pattern.slice(i + 1, close)))
      i = close
    } else {
      tokens.push({ kind: 'char', ch })
    }
  }
  return tokens
}

function charSet(body: string): PatternToken {
  const negate = body.length > 1 && body.startsWith('^')
  const inner = negate ? body.slice(1) : body
  let chars = ''
  const ranges: [string, string][] = []
  for (let i = 0; i < inner.length; i++) {
    const from = inner[i] as string
    const to = inner[i + 2]
    if (inner[i + 1] === '-' && to !== undefined) {
      ranges.push([from, to])
      i += 2
    } else {
      chars += from
    }
  }
  return { kind: 'set', negate, chars, ranges }
}

function matchesOne(token: PatternToken, ch: string): boolean {
  switch (token.kind) {
    case 'one':
      return true
    case 'char':
      return token.ch === ch
    case 'set': {
      const inSet =
        token.chars.includes(ch) || token.ranges.some(([lo, hi]) => ch >= lo && ch <= hi)
      return inSet !== token.negate
    }
    default:
      return false
  }
}

/** Classic wildcard matching remembering only the last '%': O(pattern × text) at worst. */
function globMatch(tokens: readonly PatternToken[], text: string): boolean {
  let ti = 0
  let si = 0
  let starTi = -1
  let starSi = 0
  while (si < text.length) {
    const token = tokens[ti]
    if (token && token.kind !== 'any' && matchesOne(token, text[si] as string)) {
      ti++
      si++
    } else if (token?.kind === 'any') {
      starTi = ti++
      starSi = si
    } else if (starTi >= 0) {
      ti = starTi + 1
      si = ++starSi
    } else {
      return false
    }
  }
  while (tokens[ti]?.kind === 'any') ti++
  return ti === tokens.length
}
