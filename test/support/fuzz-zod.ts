import fc from 'fast-check'
import type { z } from 'zod'

/**
 * Values a zod schema accepts, as a fast-check arbitrary, read from the schema itself (zod 4's
 * `_zod.def`): objects, strings with their length and regex checks, numbers with their bounds,
 * enums, literals, unions, arrays, optional and default fields. So the IPC fuzzer sends valid
 * inputs to every channel of the contract, including channels added after it was written.
 * Numbers lean to small values, so ids and offsets often name things that exist.
 */

interface Def {
  type: string
  checks?: { _zod: { def: CheckDef } }[]
  shape?: Record<string, Schema>
  innerType?: Schema
  element?: Schema
  options?: Schema[]
  entries?: Record<string, string | number>
  values?: unknown[]
  defaultValue?: unknown
}
interface CheckDef {
  check: string
  format?: string
  minimum?: number
  maximum?: number
  length?: number
  pattern?: RegExp
  value?: number | bigint
  inclusive?: boolean
}
type Schema = { _zod: { def: Def } }

const defOf = (schema: unknown): Def => (schema as Schema)._zod.def

function checksOf(def: Def): CheckDef[] {
  return (def.checks ?? []).map((c) => c._zod.def)
}

function stringOf(def: Def): fc.Arbitrary<string> {
  let min = 0
  let max = 24
  let pattern: RegExp | undefined
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') min = c.minimum ?? min
    else if (c.check === 'max_length') max = Math.min(max, c.maximum ?? max)
    else if (c.check === 'length_equals') min = max = c.length ?? min
    else if (c.check === 'string_format' && c.pattern) pattern = c.pattern
  }
  if (min > max) max = min
  if (pattern) {
    const p = pattern
    return fc
      .stringMatching(p)
      .filter((s) => s.length >= min && s.length <= Math.max(max, min) && p.test(s))
  }
  return fc.string({ minLength: min, maxLength: max })
}

function numberOf(def: Def): fc.Arbitrary<number> {
  let min = -1_000_000
  let max = 1_000_000
  let integer = false
  for (const c of checksOf(def)) {
    if (c.check === 'number_format') integer = true
    else if (c.check === 'greater_than') {
      const v = Number(c.value)
      min = c.inclusive ? v : integer ? v + 1 : v + 1e-9
    } else if (c.check === 'less_than') {
      const v = Number(c.value)
      max = c.inclusive ? v : integer ? v - 1 : v - 1e-9
    }
  }
  if (integer) {
    const lo = Math.ceil(min)
    const hi = Math.floor(max)
    return fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: lo, max: Math.min(hi, lo + 5) }) },
      { weight: 1, arbitrary: fc.integer({ min: lo, max: hi }) }
    )
  }
  return fc.double({ min, max, noNaN: true })
}

export function arbitraryOf(schema: z.ZodType | Schema, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema)
  if (depth > 8) return fc.constant(undefined)
  switch (def.type) {
    case 'object': {
      const required: Record<string, fc.Arbitrary<unknown>> = {}
      const optional: string[] = []
      for (const [key, field] of Object.entries(def.shape ?? {})) {
        const t = defOf(field).type
        if (t === 'optional' || t === 'default') optional.push(key)
        required[key] = arbitraryOf(field, depth + 1)
      }
      const keys = Object.keys(required)
      return fc.record(required, {
        requiredKeys: keys.filter((k) => !optional.includes(k))
      }) as fc.Arbitrary<unknown>
    }
    case 'string':
      return stringOf(def)
    case 'number':
      return numberOf(def)
    case 'boolean':
      return fc.boolean()
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}))
    case 'literal':
      return fc.constantFrom(...(def.values ?? []))
    case 'union':
      return fc.oneof(...(def.options ?? []).map((o) => arbitraryOf(o, depth + 1)))
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
      return def.type === 'nullable'
        ? fc.option(arbitraryOf(def.innerType!, depth + 1), { nil: null })
        : arbitraryOf(def.innerType!, depth + 1)
    case 'array': {
      let min = 0
      let max = 4
      for (const c of checksOf(def)) {
        if (c.check === 'min_length') min = c.minimum ?? min
        else if (c.check === 'max_length') max = Math.min(max, c.maximum ?? max)
      }
      return fc.array(arbitraryOf(def.element!, depth + 1), {
        minLength: min,
        maxLength: Math.max(min, max)
      })
    }
    case 'null':
      return fc.constant(null)
    default:
      return fc.anything({ maxDepth: 1 })
  }
}
