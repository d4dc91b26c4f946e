/** The $filter syntax tree: what was written, before any property is resolved or type checked. */

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'

export type Literal =
  | { type: 'null' }
  | { type: 'string'; value: string }
  | { type: 'boolean'; value: boolean }
  /** Numbers keep their text so Int32/Int64/Decimal/Double can be named in messages. */
  | { type: 'integer' | 'decimal'; value: number; edmType: string }
  | { type: 'guid'; value: string }
  | { type: 'datetime' | 'date'; value: string }
  | { type: 'enum'; enumType: string; value: string }

/** A JSON value from a Dataverse function's collection parameter, e.g. PropertyValues=["5","2000"]. */
export type JsonScalar = string | number | boolean | null

export type FilterNode =
  | { kind: 'literal'; literal: Literal; pos: number }
  | { kind: 'property'; path: string[]; pos: number }
  | { kind: 'compare'; op: CompareOp; left: FilterNode; right: FilterNode; pos: number }
  /** and/or chains are flat so a long `a and b and c …` is a loop, not a deep recursion. */
  | { kind: 'and' | 'or'; operands: FilterNode[]; pos: number }
  | { kind: 'not'; operand: FilterNode; pos: number }
  /** OData built-in function with positional arguments: contains(name,'x'). */
  | { kind: 'call'; name: string; args: FilterNode[]; pos: number }
  /** Namespace-qualified function with named parameters: Microsoft.Dynamics.CRM.In(PropertyName=…). */
  | { kind: 'qualifiedCall'; name: string; params: Map<string, ParamValue>; pos: number }

export type ParamValue =
  | { kind: 'literal'; literal: Literal; pos: number }
  | { kind: 'collection'; items: JsonScalar[]; pos: number }
