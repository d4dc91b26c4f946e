import { describe, expect, it } from 'vitest'
import { project, setting, withDemoTables } from '../../support/doc-tables'
import { expectError, GUID, useSandbox, type Json } from '../../support/sandbox-harness'

/**
 * Table definitions over the Web API (reference §8.6, §1.1, §2.5, §1.7, §8.7): queries on
 * EntityDefinitions, enabling change tracking, WhoAmI, organizations, the service document and
 * $metadata. Creating alternate keys is in metadata-keys.test.ts.
 */

const h = useSandbox({ schema: withDemoTables(project, setting) })

const names = (res: { json: Json }): string[] =>
  res.json.value.map((d: Json) => d.LogicalName ?? d.SchemaName).sort()

describe('§1.1 / §8.6 EntityDefinitions queries', () => {
  it('$filter=ChangeTrackingEnabled eq true with $select=SchemaName', async () => {
    const res = await h.api(
      'GET',
      'EntityDefinitions?$select=SchemaName&$filter=ChangeTrackingEnabled eq true'
    )
    expect(res.json['@odata.context']).toBe(
      `${h.sandbox.apiBase}$metadata#EntityDefinitions(SchemaName)`
    )
    expect(names(res)).toEqual(['Account', 'Contact', 'Product'])
    for (const d of res.json.value)
      expect(Object.keys(d).sort()).toEqual(['MetadataId', 'SchemaName'])
  })

  it('combines conditions: ChangeTrackingEnabled eq true and IsCustomEntity eq false', async () => {
    const res = await h.api(
      'GET',
      'EntityDefinitions?$filter=ChangeTrackingEnabled eq true and IsCustomEntity eq false&$select=LogicalName'
    )
    expect(names(res)).toEqual(['account', 'contact', 'product'])
  })

  it('filters a managed property through /Value: CanChangeTrackingBeEnabled/Value eq false', async () => {
    const res = await h.api(
      'GET',
      'EntityDefinitions?$select=SchemaName,ChangeTrackingEnabled&$filter=ChangeTrackingEnabled eq false and CanChangeTrackingBeEnabled/Value eq false'
    )
    expect(res.json.value).toEqual([
      { SchemaName: 'New_setting', ChangeTrackingEnabled: false, MetadataId: expect.any(String) }
    ])
  })

  it("takes namespaced enum literals: OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'", async () => {
    const user = await h.api(
      'GET',
      "EntityDefinitions?$select=LogicalName&$filter=OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'"
    )
    expect(names(user)).not.toContain('new_setting')
    expect(names(user)).toContain('account')
    const org = await h.api(
      'GET',
      "EntityDefinitions?$select=LogicalName&$filter=OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes'OrganizationOwned'"
    )
    expect(names(org)).toEqual(['new_setting'])
  })

  it('§2.5 $expand=Keys($select=KeyAttributes) over all tables', async () => {
    const res = await h.api(
      'GET',
      'EntityDefinitions?$select=SchemaName&$expand=Keys($select=KeyAttributes)'
    )
    expect(res.status, res.text).toBe(200)
    const account = res.json.value.find((d: Json) => d.SchemaName === 'Account')
    expect(account).toEqual({
      SchemaName: 'Account',
      MetadataId: expect.stringMatching(GUID),
      Keys: [{ KeyAttributes: ['accountnumber'], MetadataId: expect.stringMatching(GUID) }]
    })
    const contact = res.json.value.find((d: Json) => d.SchemaName === 'Contact')
    expect(contact.Keys.map((k: Json) => k.KeyAttributes)).toEqual([
      ['employeeid'],
      ['firstname', 'emailaddress1']
    ])
  })

  it('is never paged, whatever odata.maxpagesize says (§8.2)', async () => {
    const res = await h.api('GET', 'EntityDefinitions?$select=LogicalName', {
      headers: { Prefer: 'odata.maxpagesize=1' }
    })
    expect(res.json.value).toHaveLength(withDemoTables(project, setting).tables.length)
    expect(res.json['@odata.nextLink']).toBeUndefined()
  })
})

describe('§8.6 one table definition', () => {
  it("by LogicalName, with the docs' $select (labels as LocalizedLabels/UserLocalizedLabel)", async () => {
    const res = await h.api(
      'GET',
      "EntityDefinitions(LogicalName='account')?$select=DisplayName,IsKnowledgeManagementEnabled,EntitySetName"
    )
    expect(res.status, res.text).toBe(200)
    expect(res.json['@odata.context']).toBe(
      `${h.sandbox.apiBase}$metadata#EntityDefinitions(DisplayName,IsKnowledgeManagementEnabled,EntitySetName)/$entity`
    )
    expect(res.json).toMatchObject({
      IsKnowledgeManagementEnabled: false,
      EntitySetName: 'accounts',
      MetadataId: expect.stringMatching(GUID)
    })
    const label = { Label: 'Account', LanguageCode: 1033, IsManaged: true, HasChanged: null }
    expect(res.json.DisplayName.LocalizedLabels).toEqual([expect.objectContaining(label)])
    expect(res.json.DisplayName.UserLocalizedLabel).toEqual(expect.objectContaining(label))
  })

  it('by MetadataId, the same definition', async () => {
    const byName = await h.api(
      'GET',
      "EntityDefinitions(LogicalName='contact')?$select=LogicalName"
    )
    const byId = await h.api(
      'GET',
      `EntityDefinitions(${byName.json.MetadataId})?$select=LogicalName,PrimaryIdAttribute`
    )
    expect(byId.json).toMatchObject({ LogicalName: 'contact', PrimaryIdAttribute: 'contactid' })
  })

  it('with Keys expanded and their index status', async () => {
    const res = await h.api(
      'GET',
      "EntityDefinitions(LogicalName='account')?$select=LogicalName,EntitySetName,PrimaryIdAttribute,ChangeTrackingEnabled&$expand=Keys($select=LogicalName,KeyAttributes,EntityKeyIndexStatus)"
    )
    expect(res.json).toMatchObject({
      LogicalName: 'account',
      EntitySetName: 'accounts',
      PrimaryIdAttribute: 'accountid',
      ChangeTrackingEnabled: true
    })
    expect(res.json.Keys[0]).toMatchObject({
      LogicalName: 'accountnumberkey',
      KeyAttributes: ['accountnumber'],
      EntityKeyIndexStatus: 'Active'
    })
  })

  it('an unknown table is 404', async () => {
    expectError(await h.api('GET', "EntityDefinitions(LogicalName='nosuch')"), 404, '0x80040217')
  })
})

describe('§8.6 Attributes', () => {
  it('lists columns with their type and create/update validity', async () => {
    const res = await h.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName,AttributeType,IsValidForCreate,IsValidForUpdate"
    )
    const byName = new Map(res.json.value.map((a: Json) => [a.LogicalName, a]))
    expect(byName.get('name')).toMatchObject({
      '@odata.type': '#Microsoft.Dynamics.CRM.StringAttributeMetadata',
      AttributeType: 'String',
      IsValidForCreate: true,
      IsValidForUpdate: true
    })
    expect(byName.get('accountid')).toMatchObject({
      IsValidForCreate: true,
      IsValidForUpdate: false
    })
    expect(byName.get('createdon')).toMatchObject({
      IsValidForCreate: false,
      IsValidForUpdate: false
    })
    expect(byName.get('primarycontactid')).toMatchObject({ AttributeType: 'Lookup' })
  })

  it('casts to PicklistAttributeMetadata and expands OptionSet and GlobalOptionSet', async () => {
    const res = await h.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet,GlobalOptionSet"
    )
    expect(res.status, res.text).toBe(200)
    const items: Json[] = res.json.value
    expect(items.map((a) => a.LogicalName).sort()).toEqual([
      'accountcategorycode',
      'customertypecode',
      'industrycode'
    ])
    const category = items.find((a) => a.LogicalName === 'accountcategorycode')
    expect(category.GlobalOptionSet).toBeNull()
    expect(
      category.OptionSet.Options.map((o: Json) => [o.Value, o.Label.UserLocalizedLabel.Label])
    ).toEqual([
      [1, 'Preferred Customer'],
      [2, 'Standard']
    ])
  })

  it('one attribute by LogicalName', async () => {
    const res = await h.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='name')?$select=LogicalName,MaxLength"
    )
    expect(res.json).toMatchObject({ LogicalName: 'name', MaxLength: 160 })
  })
})

describe('§1.1 enabling change tracking by updating the definition', () => {
  it('PUT with ChangeTrackingEnabled: true enables it; tracking requests then work', async () => {
    const before = await h.api('GET', 'new_projects', {
      headers: { Prefer: 'odata.track-changes' }
    })
    expect(before.status).toBe(400)
    const definition = (await h.api('GET', "EntityDefinitions(LogicalName='new_project')")).json
    const res = await h.api('PUT', `EntityDefinitions(${definition.MetadataId})`, {
      headers: { 'MSCRM.MergeLabels': 'true' },
      body: { ...definition, ChangeTrackingEnabled: true }
    })
    expect(res.status).toBe(204)
    const after = await h.api('GET', 'new_projects?$select=new_name', {
      headers: { Prefer: 'odata.track-changes' }
    })
    expect(after.status).toBe(200)
    expect(after.json['@odata.deltaLink']).toContain('$deltatoken=')
    const meta = await h.api(
      'GET',
      "EntityDefinitions(LogicalName='new_project')?$select=ChangeTrackingEnabled"
    )
    expect(meta.json.ChangeTrackingEnabled).toBe(true)
  })

  it('refuses to disable it again, and refuses a table that cannot be tracked', async () => {
    const tracked = (await h.api('GET', "EntityDefinitions(LogicalName='account')")).json
    expectError(
      await h.api('PUT', `EntityDefinitions(${tracked.MetadataId})`, {
        body: { ...tracked, ChangeTrackingEnabled: false }
      }),
      400,
      '0x80040203'
    )
    const never = (await h.api('GET', "EntityDefinitions(LogicalName='new_setting')")).json
    expectError(
      await h.api('PUT', `EntityDefinitions(${never.MetadataId})`, {
        body: { ...never, ChangeTrackingEnabled: true }
      }),
      400,
      '0x80040203'
    )
  })
})

describe('§8.7 / §1.7 service resources', () => {
  it('WhoAmI returns the caller, business unit and organisation', async () => {
    for (const path of ['WhoAmI', 'WhoAmI()']) {
      const res = await h.api('GET', path)
      expect(res.json).toEqual({
        '@odata.context': `${h.sandbox.apiBase}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
        BusinessUnitId: expect.stringMatching(GUID),
        UserId: expect.stringMatching(GUID),
        OrganizationId: expect.stringMatching(GUID)
      })
    }
  })

  it('organizations carries expirechangetrackingindays, default 7, changeable within 0–365', async () => {
    const read = async (): Promise<Json> =>
      (await h.api('GET', 'organizations?$select=expirechangetrackingindays')).json
    const before = await read()
    expect(before['@odata.context']).toBe(
      `${h.sandbox.apiBase}$metadata#organizations(expirechangetrackingindays)`
    )
    expect(before.value).toHaveLength(1)
    expect(before.value[0].expirechangetrackingindays).toBe(7)
    const org = `organizations(${(await h.api('GET', 'WhoAmI')).json.OrganizationId})`
    for (const bad of [-1, 366, 1.5, '30']) {
      const res = await h.api('PATCH', org, { body: { expirechangetrackingindays: bad } })
      expect(res.status, String(bad)).toBe(400)
      expect(res.json.error.code).toMatch(/^0x8004/)
    }
    expect((await h.api('PATCH', org, { body: { expirechangetrackingindays: 30 } })).status).toBe(
      204
    )
    expect((await read()).value[0].expirechangetrackingindays).toBe(30)
    await h.api('PATCH', org, { body: { expirechangetrackingindays: 7 } })
  })

  it('the service document lists the entity sets', async () => {
    const res = await h.api('GET', '')
    expect(res.json['@odata.context']).toBe(`${h.sandbox.apiBase}$metadata`)
    expect(res.json.value).toContainEqual({ name: 'accounts', kind: 'EntitySet', url: 'accounts' })
  })

  it('$metadata?annotations=true marks tracked entity sets with the ChangeTracking annotation', async () => {
    const annotated = await h.api('GET', '$metadata?annotations=true')
    expect(annotated.headers.get('content-type')).toMatch(/^application\/xml/)
    const set = (xml: string, name: string): string =>
      new RegExp(`<EntitySet Name="${name}"[^>]*>(.*?)</EntitySet>`).exec(xml)?.[1] ?? ''
    const term = 'Org.OData.Capabilities.V1.ChangeTracking'
    expect(set(annotated.text, 'accounts')).toContain(term)
    expect(set(annotated.text, 'accounts')).toContain(
      '<PropertyValue Property="Supported" Bool="true" />'
    )
    expect(set(annotated.text, 'new_settings')).not.toContain(term)
    const plain = await h.api('GET', '$metadata')
    expect(plain.text).not.toContain(term)
  })
})
