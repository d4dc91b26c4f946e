import { execSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
import { sqlTableName } from '../../src-main/sandbox/storage/table-store'
import { openStore } from '../../src-main/store/open'

/**
 * SQL is parameterised; what is interpolated into it is reviewed (ARCHITECTURE.md, Security
 * rules). The scan finds every template literal that reads as SQL and has `${…}` in it, in the
 * product and the sandbox; each interpolation must be one reviewed below, with the reason it
 * can't carry request or user text. A new one fails this test until it is reviewed here (and in
 * SECURITY.md). The identifier guards the review relies on are then exercised with hostile names.
 */

const FIXED =
  'SQL text built in the same function from literal fragments; values go in as ? parameters'
const QUOTED = 'an identifier through quote(), which doubles embedded double quotes'
const MIRROR_TABLE = 'the mirror table "mirror_<numeric id>", the id from SQLite'
const KEY_COLUMNS =
  'alternate-key column names, refused by MirrorRepository.ensure unless ^[a-z_][a-z0-9_]{0,127}$'

/** file → interpolated expression (as written) → why it is safe. */
const REVIEWED: Record<string, Record<string, string>> = {
  'src-main/history/compare.ts': {
    'ra.sql': FIXED,
    'rb.sql': FIXED,
    "cols('a')": 'fixed column list for alias a',
    "cols('b')": 'fixed column list for alias b',
    differs: FIXED,
    diff: FIXED
  },
  'src-main/history/list.ts': { "where.join(' AND ')": FIXED, sql: FIXED, paging: FIXED },
  'src-main/reports/records.ts': {
    "query.problemsOnly ? `AND (action = 'error' OR outcome IN ('failed', 'conflict'))` : ''":
      'a literal or nothing',
    "query.problemsOnly ? `AND r.outcome IN ('failed', 'conflict')` : ''": 'a literal or nothing'
  },
  'src-main/store/repositories/mirror-rows.ts': {
    'this.table': MIRROR_TABLE,
    name: `"k_" + ${KEY_COLUMNS}`,
    column: KEY_COLUMNS,
    index: 'an index name read from PRAGMA index_list of the mirror table, quoted',
    prefix: `"mirror_<id>_key_"`,
    "key.join(',')": KEY_COLUMNS,
    'key.map((c) => `"k_${c}"`).join(\', \')': KEY_COLUMNS,
    seenTable: "the literal 'temp.plan_seen' (its type allows nothing else)",
    where: KEY_COLUMNS,
    on: `"m.k_<column> = json_extract(j.value, '$[<index>]')" terms: ${KEY_COLUMNS}; the index a number; the tuples go in as one ? (JSON)`,
    picks: '"json_extract(data, ?) AS c<index>" terms: the index a number, the JSON paths as ?',
    "aliases.join(', ')": 'the aliases c0, c1, … (numbers only)',
    present: '"c<index> IS NOT NULL" terms (numbers only)',
    groups: '"c<index> COLLATE NOCASE" terms (numbers only)'
  },
  'src-main/store/repositories/mirrors.ts': { mirrorId: 'a number (the mirror id)' },
  'src-main/store/repositories/plans.ts': { "where.join(' AND ')": FIXED, sql: FIXED },
  'src-main/store/repositories/runs.ts': {
    "where.length ? `WHERE ${where.join(' AND ')}` : ''": FIXED,
    "where.join(' AND ')": FIXED,
    filter: FIXED,
    sql: FIXED
  },
  'src-main/sandbox/storage/table-store.ts': {
    'this.table': `sqlTableName(): ${QUOTED}`,
    'quote(pk)': QUOTED,
    'quote(`v_${model.logicalName}`)': QUOTED,
    'quote(column.name)': QUOTED,
    'sqlType(column)': 'one of the fixed SQLite type names',
    'quote(lookupTableColumn(column.name))': QUOTED,
    index: QUOTED,
    name: QUOTED,
    cols: `column names, each ${QUOTED}`,
    'quote(`k_${this.model.logicalName}_${key.logicalName}`)': QUOTED,
    'quote(this.model.primaryId)': QUOTED,
    where: `"<quoted column> = ?" terms`,
    "columns.map(quote).join(', ')": QUOTED,
    "columns.map(() => '?').join(', ')": 'placeholders',
    "names.map(quote).join(', ')": QUOTED,
    "names.map(() => '?').join(', ')": 'placeholders',
    "names.map((n) => `${quote(n)} = ?`).join(', ')": `${QUOTED}, values as ?`,
    notNull: `"<quoted column> IS NOT NULL" terms`,
    order: `quoted columns with ASC or DESC`,
    sql: 'keysetCondition(): quoted columns compared with ? parameters',
    'quote(column)': QUOTED
  }
}

const SQL =
  /\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE|DROP|ALTER TABLE|PRAGMA|WHERE|ORDER BY|GROUP BY|LIMIT|VALUES)\b/

function interpolations(): { file: string; line: number; expression: string }[] {
  const tracked = execSync("git ls-files 'src-main/**/*.ts' 'src-shared/**/*.ts'").toString()
  const untracked = execSync(
    "git ls-files --others --exclude-standard 'src-main/**/*.ts' 'src-shared/**/*.ts'"
  ).toString()
  const found: { file: string; line: number; expression: string }[] = []
  for (const file of `${tracked}\n${untracked}`.split('\n').filter(Boolean)) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
    const visit = (node: ts.Node): void => {
      if (ts.isTemplateExpression(node)) {
        const text = node.head.text + node.templateSpans.map((s) => s.literal.text).join('')
        if (SQL.test(text))
          for (const span of node.templateSpans)
            found.push({
              file,
              line: sf.getLineAndCharacterOfPosition(span.getStart()).line + 1,
              expression: span.expression.getText().replace(/\s+/g, ' ')
            })
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  return found
}

describe('SQL is parameterised', () => {
  it('every value interpolated into SQL text is a reviewed identifier or fragment', () => {
    const found = interpolations()
    expect(found.length, 'the scan finds the known interpolations').toBeGreaterThan(40)
    const unreviewed = found.filter(
      ({ file, expression }) => REVIEWED[file]?.[expression] === undefined
    )
    expect(unreviewed.map((u) => `${u.file}:${u.line}: \${${u.expression}}`)).toEqual([])
  })

  it('no SQL is built with + from non-literal parts', () => {
    const files = execSync("git ls-files 'src-main/**/*.ts'").toString().split('\n').filter(Boolean)
    const bad: string[] = []
    for (const file of files) {
      const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
      const visit = (node: ts.Node): void => {
        if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
          const text = node.getText()
          const literalSql = [node.left, node.right].some(
            (side) => ts.isStringLiteralLike(side) && SQL.test(side.text)
          )
          if (literalSql)
            bad.push(
              `${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${text.slice(0, 80)}`
            )
        }
        ts.forEachChild(node, visit)
      }
      visit(sf)
    }
    expect(bad).toEqual([])
  })
})

describe('the identifier guards the review relies on', () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('a mirror refuses key and column names that are not Dataverse logical names, and the database is untouched', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-security-sql-'))
    dirs.push(dataDir)
    const store = openStore(dataDir)
    try {
      const schema = (): unknown =>
        store.db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()
      const before = schema()
      const hostile = fc.oneof(
        fc.constantFrom(
          'x" TEXT); DROP TABLE runs; --',
          "x')) VIRTUAL; DROP TABLE runs; --",
          'a"b',
          'Name',
          '1abc',
          '',
          'x'.repeat(129),
          'k_x; VACUUM'
        ),
        fc
          .string({ minLength: 1, maxLength: 12 })
          .filter((s) => !/^[a-z_][a-z0-9_]{0,127}$/.test(s))
      )
      fc.assert(
        fc.property(hostile, fc.constantFrom('keys', 'columns', 'primaryId'), (name, where) => {
          expect(() =>
            store.mirrors.ensure({
              environmentId: 1,
              tableName: 'account',
              entitySet: 'accounts',
              primaryId: where === 'primaryId' ? name : 'accountid',
              columns: where === 'columns' ? [name] : ['name'],
              keys: where === 'keys' ? [[name]] : []
            })
          ).toThrow(/is not a Dataverse column name/)
        }),
        { numRuns: 300 }
      )
      expect(schema()).toEqual(before)
    } finally {
      store.close()
    }
  })

  it('the sandbox quotes identifiers: any name makes exactly that table, nothing else', () => {
    const db = new Database(':memory:')
    try {
      fc.assert(
        fc.property(
          fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\u0000')),
          (name) => {
            db.exec(`CREATE TABLE ${sqlTableName(name)} (x)`)
            const tables = db
              .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
              .all() as { name: string }[]
            expect(tables).toEqual([{ name: `e_${name}` }])
            db.exec(`DROP TABLE ${sqlTableName(name)}`)
          }
        ),
        { numRuns: 500 }
      )
    } finally {
      db.close()
    }
  })
})
