import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSandboxAndSignIn, sandboxApi, startE2eApp, type E2eApp } from './harness'

/**
 * A lookup found by a compound alternate key, set up in the profile editor: accounts from a CRM
 * export name their primary contact by first name and email, the contact table's two-column key
 * (the docs' contacts(firstname='Joe',emailaddress1='abc@example.com')). The editor offers the
 * compound key, asks which source column holds each part, and the apply binds each account to
 * the right contact.
 */
let app: E2eApp
let files: string
type Contact = { contactid: string; firstname: string; emailaddress1: string }
type Account = { accountid: string; accountnumber: string; name: string }
let contacts: Contact[]
let accounts: Account[]

beforeAll(async () => {
  app = await startE2eApp({ sandbox: { accounts: 4, contacts: 6, products: 5 } })
  files = mkdtempSync(join(tmpdir(), 'dvsync-e2e-lookups-'))
  await addSandboxAndSignIn(app)
  const get = async <T>(path: string): Promise<T[]> =>
    ((await (await sandboxApi(app.sandbox(), 'GET', path)).json()) as { value: T[] }).value
  contacts = await get<Contact>(
    'contacts?$select=contactid,firstname,emailaddress1&$filter=firstname ne null and emailaddress1 ne null&$orderby=emailaddress1'
  )
  accounts = await get<Account>(
    'accounts?$select=accountid,accountnumber,name&$orderby=accountnumber'
  )
  expect(contacts.length).toBeGreaterThanOrEqual(2)
})
afterAll(async () => {
  await app?.close()
  if (files) rmSync(files, { recursive: true, force: true })
})

const primaryContactOf = async (account: Account): Promise<string | null> => {
  const response = await sandboxApi(
    app.sandbox(),
    'GET',
    `accounts(${account.accountid})?$select=_primarycontactid_value`
  )
  return ((await response.json()) as { _primarycontactid_value: string | null })
    ._primarycontactid_value
}

describe('a lookup found by a compound key', () => {
  it('is set up in the mapping editor, one source column per key column, and applied', async () => {
    const { page } = app
    // Two accounts, each naming a different contact by first name and email.
    const rows = [0, 1].map((i) => ({
      'Account Number': accounts[i]!.accountnumber,
      'Contact First Name': contacts[i]!.firstname,
      'Contact Mail': contacts[i]!.emailaddress1
    }))
    const csv = join(files, 'crm-accounts.csv')
    writeFileSync(csv, stringify(rows, { header: true }))

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: 'Profiles' })
      .click()
    await page.getByRole('button', { name: 'New push profile' }).click()
    const editor = page.getByTestId('profile-editor')
    await editor.getByLabel('Name').fill('CRM primary contacts')
    await editor.getByTestId('profile-table-picker').click()
    await page.getByRole('option', { name: 'Account (account)' }).click()
    app.bridge.platform.answerOpen(csv)
    await editor.getByRole('button', { name: 'Browse…' }).click()
    await editor.getByTestId('source-preview').getByText(contacts[0]!.emailaddress1).waitFor()
    const mapping = editor.getByTestId('mapping-editor')
    await expect(
      mapping.getByRole('combobox', { name: 'Table column for Account Number' }).inputValue()
    ).resolves.toMatch(/accountnumber/)
    // The contact columns match nothing by name: map the first name to the lookup.
    if (
      !(await mapping
        .getByRole('combobox', { name: 'Table column for Contact First Name' })
        .count())
    )
      await mapping.getByRole('button', { name: 'Add column' }).click()
    const target = mapping.getByRole('combobox', { name: 'Table column for Contact First Name' })
    await target.click()
    await page.getByRole('option', { name: 'primarycontactid', exact: true }).click()
    // The contact table's keys, the compound one included.
    await mapping
      .getByRole('combobox', { name: 'Find the contact record of Contact First Name by' })
      .click()
    await page
      .getByRole('option', { name: 'First name and email (firstname + emailaddress1)' })
      .click()
    const parts = mapping.getByTestId('lookup-key-parts')
    await expect(
      parts.getByRole('combobox', { name: 'Source column for contact.firstname' }).textContent()
    ).resolves.toBe('Contact First Name')
    await parts.getByRole('combobox', { name: 'Source column for contact.emailaddress1' }).click()
    await page.getByRole('option', { name: 'Contact Mail' }).click()
    await expect.poll(() => mapping.getByText(/Not pushed/).count()).toBe(0)
    await editor.getByTestId('key-picker').click()
    await page.getByRole('option', { name: /Account number \(accountnumber\)/ }).click()
    await app.capture('profiles-compound-lookup')
    await editor.getByRole('button', { name: 'Save profile' }).click()
    await page
      .getByTestId('profile-list')
      .locator('[data-row-key="CRM primary contacts"]')
      .waitFor()

    // Preview and apply: each account now points at the contact its row named.
    await page.getByTestId('preview-profile').click()
    await page.getByRole('tab', { name: 'Updates (2)', exact: true }).waitFor()
    await page.getByTestId('apply-plan').click()
    await page
      .getByRole('dialog', { name: 'Apply to account in sandbox?' })
      .getByRole('button', { name: 'Apply 2 changes' })
      .click()
    await page
      .locator('[data-testid="run-details"][data-state="completed"]')
      .waitFor({ timeout: 20_000 })
    await expect(primaryContactOf(accounts[0]!)).resolves.toBe(contacts[0]!.contactid)
    await expect(primaryContactOf(accounts[1]!)).resolves.toBe(contacts[1]!.contactid)
  })
})
