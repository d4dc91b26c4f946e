import {
  Button,
  Dropdown,
  Field,
  Input,
  Option,
  Subtitle2,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { SaveRegular } from '@fluentui/react-icons'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { IpcError } from '../../api/client'
import {
  mappingProblemsQuery,
  sourceQuery,
  useSaveProfile,
  useSuggestMapping
} from '../../api/queries/profiles'
import { tableQuery, tablesQuery } from '../../api/queries/tables'
import { ErrorMessage } from '../../components/ErrorMessage'
import { KeyPicker } from './KeyPicker'
import { MappingEditor } from './MappingEditor'
import { localProblems, NO_KEY, saveInputOf, settingsOf, type ProfileForm } from './profile-form'
import { PullColumnsField } from './PullColumnsField'
import { PushOptionsFields } from './PushOptionsFields'
import { SourcePicker } from './SourcePicker'

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(15rem, 1fr))',
    gap: tokens.spacingHorizontalM
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' }
})

/** Server field names ('settings.mapping.2.source') as the form names them ('mapping.2.source'). */
const formField = (field: string | undefined): string | undefined =>
  field?.replace(/^settings\./, '')

/** Create or edit a pull or push profile; problems are shown on the field they are about. */
export function ProfileEditor({
  initial,
  environmentName,
  onSaved,
  actions
}: {
  initial: ProfileForm
  environmentName: string
  onSaved(name: string): void
  /** Actions for a saved profile (preview, export, delete); `dirty` while edits are unsaved. */
  actions?(dirty: boolean): React.ReactNode
}): React.JSX.Element {
  const styles = useStyles()
  const [form, setForm] = useState(initial)
  const [saved, setSaved] = useState(initial)
  const dirty = JSON.stringify(form) !== JSON.stringify(saved)
  const [submitted, setSubmitted] = useState(false)
  const change = (patch: Partial<ProfileForm>): void => setForm((f) => ({ ...f, ...patch }))
  const push = form.kind === 'push'
  const tables = useQuery(tablesQuery(form.environmentId))
  const table = useQuery({ ...tableQuery(form.environmentId, form.table), enabled: !!form.table })
  const inspection = useQuery({
    ...sourceQuery(form.source),
    enabled: push && !!form.source.file,
    retry: false
  })
  const sourceColumns = inspection.data?.columns ?? []
  const suggest = useSuggestMapping()
  const suggested = useRef(initial.mapping.length ? `${initial.source.file}|${initial.table}` : '')
  const runSuggest = (): void =>
    suggest.mutate(
      { environmentId: form.environmentId, table: form.table, sourceColumns },
      {
        onSuccess: (s) => setForm((f) => ({ ...f, mapping: s.mapping, key: s.key ?? f.key }))
      }
    )
  const suggestFor = `${form.source.file}|${form.table}`
  useEffect(() => {
    // A new file or table: map its columns by name, once (the admin's edits are kept after).
    if (!push || !form.table || sourceColumns.length === 0 || suggested.current === suggestFor)
      return
    suggested.current = suggestFor
    runSuggest()
  })
  const settings = settingsOf(form)
  const validation = useQuery({
    ...mappingProblemsQuery({
      environmentId: form.environmentId,
      table: form.table,
      key: settings.key,
      mapping: settings.mapping,
      sourceColumns
    }),
    enabled: push && !!form.table && sourceColumns.length > 0 && table.isSuccess,
    placeholderData: keepPreviousData
  })
  const save = useSaveProfile()
  const saveError = save.error instanceof IpcError ? formField(save.error.field) : undefined
  const local = localProblems(form)
  const problems: Record<string, string> = {}
  for (const p of validation.data?.problems ?? []) problems[p.field] ??= p.message
  if (submitted) Object.assign(problems, local)
  if (saveError && save.error) problems[saveError] = save.error.message
  const errorFor = (field: string): string | undefined => problems[field]

  const submit = (event: React.FormEvent): void => {
    event.preventDefault()
    setSubmitted(true)
    if (Object.keys(local).length) return
    save.mutate(saveInputOf(form), {
      onSuccess: (profile) => {
        const now = { ...form, previousName: profile.name }
        setForm(now)
        setSaved(now)
        onSaved(profile.name)
      }
    })
  }

  return (
    <form className={styles.form} onSubmit={submit} data-testid="profile-editor" noValidate>
      <Subtitle2 as="h2">
        {form.previousName
          ? `${push ? 'Push' : 'Pull'} profile ${form.previousName}`
          : `New ${push ? 'push' : 'pull'} profile`}
      </Subtitle2>
      {actions?.(dirty)}
      <div className={styles.row}>
        <Field label="Name" required validationMessage={errorFor('name')}>
          <Input value={form.name} onChange={(_, d) => change({ name: d.value })} />
        </Field>
        <Field label="Environment">
          <Input readOnly value={environmentName} />
        </Field>
        <Field label="Table" required validationMessage={errorFor('table')}>
          <Dropdown
            data-testid="profile-table-picker"
            placeholder={tables.isPending ? 'Loading tables…' : 'Choose a table'}
            value={form.table}
            selectedOptions={form.table ? [form.table] : []}
            onOptionSelect={(_, d) =>
              d.optionValue &&
              change({ table: d.optionValue, mapping: [], key: NO_KEY, columns: [] })
            }
          >
            {(tables.data ?? []).map((t) => (
              <Option key={t.logicalName} value={t.logicalName} text={t.logicalName}>
                {`${t.displayName} (${t.logicalName})`}
              </Option>
            ))}
          </Dropdown>
        </Field>
      </div>
      {tables.isError && <ErrorMessage error={tables.error} title="Could not load the tables" />}
      {table.isError && <ErrorMessage error={table.error} title="Could not read the table" />}
      {push && (
        <SourcePicker
          source={form.source}
          inspection={inspection}
          onChange={(source) => change({ source, mapping: [] })}
          errorFor={errorFor}
        />
      )}
      {push && table.data && sourceColumns.length > 0 && (
        <>
          <MappingEditor
            environmentId={form.environmentId}
            table={table.data}
            sourceColumns={sourceColumns}
            mapping={form.mapping}
            onChange={(mapping) => change({ mapping })}
            onSuggest={runSuggest}
            suggesting={suggest.isPending}
            errorFor={errorFor}
            profileEmpty={form.emptyValues}
          />
          {suggest.isError && (
            <ErrorMessage error={suggest.error} title="No suggestion could be made" />
          )}
          <KeyPicker
            table={table.data}
            value={form.key}
            onChange={(key) => change({ key })}
            error={errorFor('key')}
          />
        </>
      )}
      {push && <PushOptionsFields form={form} onChange={change} errorFor={errorFor} />}
      {!push && table.data && (
        <PullColumnsField
          table={table.data}
          columns={form.columns}
          onChange={(columns) => change({ columns })}
          error={errorFor('columns')}
        />
      )}
      {save.isError && !saveError && (
        <ErrorMessage error={save.error} title="The profile was not saved" />
      )}
      <div className={styles.actions}>
        <Button appearance="primary" type="submit" icon={<SaveRegular />} disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save profile'}
        </Button>
      </div>
    </form>
  )
}
