import { expect } from 'vitest'
import type { ApplyResult } from '../../../src-main/sync/apply'
import { PlanEngine, type PlanResult } from '../../../src-main/sync/plan'
import type { PullResult } from '../../../src-main/sync/pull'
import { openFileSource } from '../../../src-main/sources/index'
import { parseMapping, pushSettings } from '../../../src-main/sync/push-settings'
import type { PushFixture } from '../../support/push-fixture'
import type { Harness } from '../../support/sandbox-harness'

/**
 * Real runs against the sandbox for the report and history tests: an initial and a delta pull of
 * contacts (with values an attacker could have typed into Dataverse), then a push of contacts from
 * a CSV file whose apply creates, updates, fails (a duplicate Dataverse refuses with 0x80060892)
 * and conflicts (a record edited in Dataverse after the plan).
 */

export const XSS = '<img src=x onerror=alert(1)>'
export const SCRIPT_XSS = '<script>window.__pwned = 1</script>'
/** Cells a spreadsheet would run as formulas if they were written as they are. */
export const FORMULAS = ['=HYPERLINK("http://example.invalid","click")', '+1+2', '-3+4', '@SUM(A1)']
export const TABBED = '\tTabbed'

export interface Scenario {
  initialPull: PullResult
  deltaPull: PullResult
  plan: PlanResult
  apply: ApplyResult
  /** The contact whose update conflicted, and the one Dataverse refused. */
  conflictKey: string
  failedKey: string
}

export const PROFILE = 'erp-contacts'

async function api(harness: Harness, method: string, path: string, body?: unknown) {
  const res = await harness.api(method, path, body === undefined ? {} : { body })
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300)
  return res
}

export async function runScenario(harness: Harness, fx: PushFixture): Promise<Scenario> {
  const environment = fx.environment
  const initialPull = await fx.engine.run({ environment, table: 'contact' })
  await api(harness, 'PATCH', "contacts(employeeid='E-00001')", { lastname: XSS })
  await api(harness, 'PATCH', "contacts(employeeid='E-00002')", { jobtitle: FORMULAS[0] })
  await api(harness, 'DELETE', "contacts(employeeid='E-00003')")
  await api(harness, 'POST', 'contacts', {
    employeeid: 'DV-NEW-1',
    lastname: '+Made in Dataverse',
    firstname: 'Dee'
  })
  const deltaPull = await fx.engine.run({ environment, table: 'contact' })

  const existing = (
    await api(harness, 'GET', "contacts(employeeid='E-00006')?$select=firstname,emailaddress1")
  ).json as { firstname: string; emailaddress1: string }
  const file = fx.csv('erp-contacts.csv', [
    { Employee: 'ERP-1', First: 'Ada', Last: XSS, Email: 'ada@example.com', Job: SCRIPT_XSS },
    {
      Employee: 'ERP-2',
      First: 'Bob',
      Last: FORMULAS[0],
      Email: 'bob@example.com',
      Job: FORMULAS[1]
    },
    {
      Employee: 'ERP-3',
      First: 'Cy',
      Last: FORMULAS[2],
      Email: 'cy@example.com',
      Job: FORMULAS[3]
    },
    { Employee: 'ERP-4', First: 'Di', Last: TABBED, Email: 'di@example.com', Job: 'Buyer' },
    // The same first name and email as E-00006: Dataverse refuses the create (duplicate key).
    {
      Employee: 'ERP-CLASH',
      First: existing.firstname,
      Last: 'Clash',
      Email: existing.emailaddress1,
      Job: 'Buyer'
    },
    {
      Employee: 'E-00004',
      First: 'Eve',
      Last: 'Renamed by the ERP',
      Email: 'eve@example.com',
      Job: 'CTO'
    },
    {
      Employee: 'E-00005',
      First: 'Fay',
      Last: 'Also renamed',
      Email: 'fay@example.com',
      Job: 'Owner'
    },
    { Employee: '', First: 'No', Last: 'Key', Email: 'nokey@example.com', Job: 'Buyer' }
  ])
  const plan = await new PlanEngine({ store: fx.store, client: fx.client }).run({
    environment,
    profileName: PROFILE,
    settings: pushSettings({
      table: 'contact',
      key: { kind: 'alternate', name: 'employeeidkey', columns: [] },
      mapping: parseMapping(
        'Employee=employeeid,First=firstname,Last=lastname,Email=emailaddress1,Job=jobtitle'
      )
    }),
    source: await openFileSource(file)
  })
  expect(plan.counts).toMatchObject({ create: 5, update: 2, error: 1 })
  // Edited in Dataverse after the plan: the apply must report a conflict, not overwrite it.
  await api(harness, 'PATCH', "contacts(employeeid='E-00004')", { jobtitle: 'Edited meanwhile' })
  const apply = await fx.apply(plan.planId)
  expect(apply).toMatchObject({ created: 4, updated: 1, failed: 1, conflicts: 1 })
  return { initialPull, deltaPull, plan, apply, conflictKey: 'E-00004', failedKey: 'ERP-CLASH' }
}
