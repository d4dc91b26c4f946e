import type Database from 'better-sqlite3'
import { buildTableModel, linkTables, type TableModel } from '../schema/model'
import type { SchemaDef, TableDef } from '../schema/types'
import type { MetaStore } from './database'
import { TableStore } from './table-store'

/**
 * The tables the sandbox serves: their models, their SQL stores, and the schema persisted with
 * the data so a `--store` sandbox comes back with the keys and tracking flags it had.
 */
export class Catalog {
  private readonly models = new Map<string, TableModel>()
  private readonly bySet = new Map<string, TableModel>()
  private readonly stores = new Map<string, TableStore>()

  constructor(
    private readonly db: Database.Database,
    private readonly meta: MetaStore,
    schema: SchemaDef
  ) {
    for (const def of schema.tables) this.install(def)
    linkTables(this.models)
    for (const model of this.models.values()) this.storeOf(model).ensure(model)
    this.persist()
  }

  /** The schema last persisted in a store file, if the file held a sandbox. */
  static persistedSchema(meta: MetaStore): SchemaDef | undefined {
    return meta.get<SchemaDef>('schema')
  }

  tables(): TableModel[] {
    return [...this.models.values()]
  }

  table(logicalName: string): TableModel | undefined {
    return this.models.get(logicalName)
  }

  tableBySet(entitySetName: string): TableModel | undefined {
    return this.bySet.get(entitySetName)
  }

  store(logicalName: string): TableStore {
    const store = this.stores.get(logicalName)
    if (!store) throw new Error(`No store for table '${logicalName}'`)
    return store
  }

  /** Applies a change to a table definition (tracking flag, keys, columns) and persists it. */
  updateTable(logicalName: string, change: (def: TableDef) => void): TableModel {
    const current = this.models.get(logicalName)
    if (!current) throw new Error(`Unknown table '${logicalName}'`)
    const def = structuredClone(current.def)
    change(def)
    const model = this.install(def)
    linkTables(this.models)
    this.storeOf(model).ensure(model)
    this.persist()
    return model
  }

  private install(def: TableDef): TableModel {
    const model = buildTableModel(def)
    const previous = this.models.get(def.logicalName)
    if (previous) this.bySet.delete(previous.entitySetName)
    if (this.bySet.has(def.entitySetName)) {
      throw new Error(`Entity set '${def.entitySetName}' is used by two tables`)
    }
    this.models.set(def.logicalName, model)
    this.bySet.set(def.entitySetName, model)
    return model
  }

  private storeOf(model: TableModel): TableStore {
    let store = this.stores.get(model.logicalName)
    if (!store) {
      store = new TableStore(this.db, model)
      this.stores.set(model.logicalName, store)
    }
    return store
  }

  private persist(): void {
    this.meta.set('schema', { tables: this.tables().map((m) => m.def) } satisfies SchemaDef)
  }
}
