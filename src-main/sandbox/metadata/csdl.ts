import type { ApiResponse, RequestContext } from '../http/api-types'
import { text } from '../http/responses'
import { edmType } from '../data/payload'
import { isLookup, type TableModel } from '../schema/model'

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

function entityType(table: TableModel, annotations: boolean): string {
  const props = table.columns
    .map(
      (c) =>
        `<Property Name="${xml(c.jsonName)}" Type="${isLookup(c) ? 'Edm.Guid' : edmType(c)}" />`
    )
    .join('')
  const navs = [...table.navigation.values()]
    .map(
      ({ target }) =>
        `<NavigationProperty Name="${xml(target.navigationProperty)}" Type="mscrm.${xml(target.table)}" />`
    )
    .join('')
  const collections = [...table.collectionNavigation.entries()]
    .map(
      ([name, nav]) =>
        `<NavigationProperty Name="${xml(name)}" Type="Collection(mscrm.${xml(nav.table)})" />`
    )
    .join('')
  const title = annotations
    ? `<Annotation Term="Org.OData.Core.V1.Description" String="${xml(table.def.displayName ?? table.schemaName)}" />`
    : ''
  return `<EntityType Name="${xml(table.logicalName)}"><Key><PropertyRef Name="${xml(table.primaryId)}" /></Key>${props}${navs}${collections}${title}</EntityType>`
}

function entitySet(table: TableModel, annotations: boolean): string {
  const tracking =
    annotations && table.def.changeTracking
      ? '<Annotation Term="Org.OData.Capabilities.V1.ChangeTracking"><Record><PropertyValue Property="Supported" Bool="true" /></Record></Annotation>'
      : ''
  return `<EntitySet Name="${xml(table.entitySetName)}" EntityType="Microsoft.Dynamics.CRM.${xml(table.logicalName)}">${tracking}</EntitySet>`
}

/**
 * A CSDL document describing the sandbox's tables, with the change-tracking annotation on
 * entity sets when `?annotations=true` (reference §1.1). It covers what OData tooling needs to
 * discover the service, not the full Dataverse model.
 */
export function csdlDocument(ctx: RequestContext): ApiResponse {
  const annotations = ctx.query.get('annotations') === 'true'
  const tables = ctx.state.catalog.tables()
  const bulk = ['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple']
    .map(
      (name) =>
        `<Action Name="${name}" IsBound="true"><Parameter Name="entityset" Type="Collection(mscrm.crmbaseentity)" Nullable="false" /><Parameter Name="Targets" Type="Collection(mscrm.crmbaseentity)" Nullable="false" />${name === 'CreateMultiple' ? '<ReturnType Type="mscrm.CreateMultipleResponse" Nullable="false" />' : ''}</Action>`
    )
    .join('')
  const doc =
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">' +
    '<edmx:DataServices><Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">' +
    '<EntityType Name="crmbaseentity" Abstract="true" />' +
    '<ComplexType Name="WhoAmIResponse"><Property Name="BusinessUnitId" Type="Edm.Guid" Nullable="false" /><Property Name="UserId" Type="Edm.Guid" Nullable="false" /><Property Name="OrganizationId" Type="Edm.Guid" Nullable="false" /></ComplexType>' +
    '<ComplexType Name="CreateMultipleResponse"><Property Name="Ids" Type="Collection(Edm.Guid)" Nullable="false" /></ComplexType>' +
    tables.map((t) => entityType(t, annotations)).join('') +
    '<Function Name="WhoAmI"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false" /></Function>' +
    bulk +
    '<EntityContainer Name="System">' +
    tables.map((t) => entitySet(t, annotations)).join('') +
    '<FunctionImport Name="WhoAmI" Function="Microsoft.Dynamics.CRM.WhoAmI" />' +
    '</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>'
  return text(200, doc, 'application/xml')
}
