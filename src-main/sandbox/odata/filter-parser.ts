/**
 * $filter text → syntax tree, by recursive descent with Microsoft.OData's precedence:
 * not (and other unary) > comparison > and > or. `not` binds to the next primary, so
 * `not name eq 'x'` is `(not name) eq 'x'` — a type error, exactly as on the real service.
 * Nesting is bounded so hostile input gets a 400 instead of a stack overflow.
 */
import type { CompareOp, FilterNode, ParamValue } from './filter-ast'
import { readJsonArray } from './filter-json'
import { FilterLexer, type Token } from './filter-lexer'
import { aliasValue, literalOf } from './filter-literals'
import { msg } from './filter-messages'

export const MAX_DEPTH = 100

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le'])
const ARITHMETIC_OPS: ReadonlySet<string> = new Set([
  'add',
  'sub',
  'mul',
  'div',
  'divby',
  'mod',
  'has',
  'in'
])

export function parseFilter(text: string, aliases?: ReadonlyMap<string, string>): FilterNode {
  return new Parser(text, aliases).parseWhole()
}

const isWord = (token: Token, word: string): boolean =>
  token.kind === 'ident' && token.value === word

class Parser {
  private readonly lexer: FilterLexer
  private depth = 0

  constructor(
    private readonly text: string,
    private readonly aliases: ReadonlyMap<string, string> | undefined
  ) {
    this.lexer = new FilterLexer(text)
  }

  parseWhole(): FilterNode {
    const node = this.parseOr()
    const rest = this.lexer.token
    if (rest.kind !== 'end') throw msg.syntax(rest.pos, this.text)
    return node
  }

  private get token(): Token {
    return this.lexer.token
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw msg.tooDeep()
  }

  private parseOr(): FilterNode {
    this.enter()
    const first = this.parseAnd()
    const operands = [first]
    while (isWord(this.token, 'or')) {
      this.lexer.next()
      operands.push(this.parseAnd())
    }
    this.depth--
    return operands.length === 1 ? first : { kind: 'or', operands, pos: first.pos }
  }

  private parseAnd(): FilterNode {
    const first = this.parseComparison()
    const operands = [first]
    while (isWord(this.token, 'and')) {
      this.lexer.next()
      operands.push(this.parseComparison())
    }
    return operands.length === 1 ? first : { kind: 'and', operands, pos: first.pos }
  }

  private parseComparison(): FilterNode {
    const start = this.depth
    let left = this.parseUnary()
    for (let t = this.token; t.kind === 'ident'; t = this.token) {
      if (ARITHMETIC_OPS.has(t.value)) throw msg.unsupported(`The '${t.value}' operator`)
      if (!COMPARE_OPS.has(t.value)) break
      // A chain `a eq b eq c` nests to the left; count it so the tree depth stays bounded.
      this.enter()
      this.lexer.next()
      left = {
        kind: 'compare',
        op: t.value as CompareOp,
        left,
        right: this.parseUnary(),
        pos: t.pos
      }
    }
    this.depth = start
    return left
  }

  private parseUnary(): FilterNode {
    const t = this.token
    if (t.kind === '-') throw msg.unsupported("Arithmetic negation ('-')")
    if (!isWord(t, 'not')) return this.parsePrimary()
    this.enter()
    this.lexer.next()
    const operand = this.parseUnary()
    this.depth--
    return { kind: 'not', operand, pos: t.pos }
  }

  private parsePrimary(): FilterNode {
    const t = this.token
    if (t.kind === '(') {
      this.lexer.next()
      const inner = this.parseOr()
      if (this.token.kind !== ')') throw msg.closeParenOrOperator(this.token.pos, this.text)
      this.lexer.next()
      return inner
    }
    if (t.kind === 'alias') {
      const value = aliasValue(t.text, this.aliases, t.pos)
      if (value.kind !== 'literal') throw msg.syntax(t.pos, this.text)
      this.lexer.next()
      return value
    }
    const literal = literalOf(t, this.text)
    if (literal) {
      this.lexer.next()
      return { kind: 'literal', literal, pos: t.pos }
    }
    if (t.kind === 'ident') return this.parseIdentifier(t)
    if (t.kind === 'bracket')
      throw msg.unsupported('A collection literal outside a function parameter')
    throw msg.expressionExpected(t.pos, this.text)
  }

  private parseIdentifier(first: Token): FilterNode {
    if (this.lexer.peek().kind === '(') {
      this.lexer.next()
      return first.value.includes('.') ? this.parseQualifiedCall(first) : this.parseCall(first)
    }
    const path = [first.value]
    this.lexer.next()
    while (this.token.kind === '/') {
      const segment = this.lexer.next()
      if (segment.kind !== 'ident') throw msg.syntax(segment.pos, this.text)
      if (this.lexer.peek().kind === '(') {
        if (segment.value === 'any' || segment.value === 'all') {
          throw msg.unsupported(`The lambda operator '${segment.value}'`)
        }
        throw msg.unsupported(`The bound function '${segment.value}'`)
      }
      path.push(segment.value)
      this.lexer.next()
    }
    return { kind: 'property', path, pos: first.pos }
  }

  /** Built-in functions take positional expressions: contains(name,'x'). */
  private parseCall(name: Token): FilterNode {
    this.enter()
    const args: FilterNode[] = []
    if (this.lexer.next().kind !== ')') {
      for (;;) {
        args.push(this.parseOr())
        if (this.token.kind === ')') break
        if (this.token.kind !== ',') throw msg.closeParenOrComma(this.token.pos, this.text)
        this.lexer.next()
      }
    }
    this.lexer.next()
    this.depth--
    return { kind: 'call', name: name.value, args, pos: name.pos }
  }

  /** Dataverse functions take named parameters: Microsoft.Dynamics.CRM.In(PropertyName='x',…). */
  private parseQualifiedCall(name: Token): FilterNode {
    const params = new Map<string, ParamValue>()
    if (this.lexer.next().kind !== ')') {
      for (;;) {
        const param = this.token
        if (param.kind !== 'ident' || param.value.includes('.'))
          throw msg.syntax(param.pos, this.text)
        if (params.has(param.value)) throw msg.duplicateParameter()
        if (this.lexer.next().kind !== '=') throw msg.syntax(this.token.pos, this.text)
        params.set(param.value, this.paramValue(this.lexer.next()))
        if (this.lexer.next().kind === ')') break
        if (this.token.kind !== ',') throw msg.closeParenOrComma(this.token.pos, this.text)
        this.lexer.next()
      }
    }
    this.lexer.next()
    return { kind: 'qualifiedCall', name: name.value, params, pos: name.pos }
  }

  private paramValue(t: Token): ParamValue {
    if (t.kind === 'bracket')
      return { kind: 'collection', items: readJsonArray(t.text), pos: t.pos }
    if (t.kind === 'alias') return aliasValue(t.text, this.aliases, t.pos)
    const literal = literalOf(t, this.text)
    if (!literal) throw msg.expressionExpected(t.pos, this.text)
    return { kind: 'literal', literal, pos: t.pos }
  }
}
