// Writes the bench's catalogue file from the mirror: every product as it is in Dataverse, with
// one in ten renamed and one in twenty repriced, so a plan finds realistic changes.
import { writeFileSync } from 'node:fs'
import { stringify } from 'csv-stringify/sync'
import { openStore } from '../../../src-main/store/open'

const { DATA_DIR, FILE } = process.env as Record<string, string>
const store = openStore(DATA_DIR!)
const environment = store.environments.byName('bench')!
const mirror = store.mirrors.find(environment.id, 'product')!
const rows: string[][] = []
let i = 0
for (const row of store.mirrors.rows(mirror).iterate()) {
  const data = JSON.parse(row.data) as { productnumber: string; name: string; price: number }
  rows.push([
    data.productnumber,
    i % 10 === 0 ? `${data.name} (renamed)` : data.name,
    String(i % 20 === 0 ? data.price + 1 : data.price)
  ])
  i += 1
}
writeFileSync(FILE!, stringify([['Code', 'Name', 'Price'], ...rows]))
store.close()
process.stdout.write(`${JSON.stringify({ rows: rows.length })}\n`)
