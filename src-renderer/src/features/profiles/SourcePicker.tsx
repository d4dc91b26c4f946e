import {
  Button,
  Dropdown,
  Field,
  Input,
  Option,
  Spinner,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { FolderOpenRegular } from '@fluentui/react-icons'
import type { UseQueryResult } from '@tanstack/react-query'
import type { SourceInspection, SourceSettings } from '../../../../src-shared/schemas/push'
import { usePickSource } from '../../api/queries/profiles'
import { ErrorMessage, QueryError } from '../../components/ErrorMessage'
import { SourcePreview } from './SourcePreview'

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalS },
  file: { flexGrow: 1 },
  options: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM }
})

const DELIMITERS: { value: string; label: string }[] = [
  { value: '', label: 'Detect' },
  { value: ',', label: 'Comma (,)' },
  { value: ';', label: 'Semicolon (;)' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe (|)' }
]

/** The file with the rows: Browse… (the open dialog), its sheet or delimiter, its first rows. */
export function SourcePicker({
  source,
  inspection,
  onChange,
  errorFor
}: {
  source: SourceSettings
  inspection: UseQueryResult<SourceInspection>
  onChange(source: SourceSettings): void
  errorFor(field: string): string | undefined
}): React.JSX.Element {
  const styles = useStyles()
  const pick = usePickSource()
  const browse = (): void =>
    pick.mutate(undefined, {
      onSuccess: ({ file }) => {
        if (file) onChange({ file })
      }
    })
  const data = inspection.data
  const delimiter = DELIMITERS.find((d) => d.value === (source.delimiter ?? ''))
  return (
    <>
      <div className={styles.row}>
        <Field
          label="Source file"
          required
          className={styles.file}
          validationMessage={errorFor('source.file')}
          hint="CSV, JSON, NDJSON or Excel (.xlsx); the first row holds the column names."
        >
          <Input
            readOnly
            value={source.file}
            placeholder="No file chosen"
            data-testid="source-file"
          />
        </Field>
        <Button icon={<FolderOpenRegular />} onClick={browse} disabled={pick.isPending}>
          Browse…
        </Button>
      </div>
      {pick.isError && <ErrorMessage error={pick.error} title="The file dialog did not open" />}
      {source.file && (
        <div className={styles.options}>
          {(data?.format === 'xlsx' || source.sheet) && (
            <Field label="Sheet" validationMessage={errorFor('source.sheet')}>
              <Dropdown
                value={source.sheet ?? data?.sheet ?? ''}
                selectedOptions={[source.sheet ?? data?.sheet ?? '']}
                onOptionSelect={(_, d) => onChange({ ...source, sheet: d.optionValue ?? '' })}
              >
                {(data?.sheets ?? []).map((s) => (
                  <Option key={s} value={s}>
                    {s}
                  </Option>
                ))}
              </Dropdown>
            </Field>
          )}
          {(data?.format === 'csv' || source.delimiter) && (
            <Field label="Delimiter" validationMessage={errorFor('source.delimiter')}>
              <Dropdown
                value={delimiter?.label ?? ''}
                selectedOptions={[source.delimiter ?? '']}
                onOptionSelect={(_, d) => {
                  const { delimiter: _old, ...rest } = source
                  onChange(d.optionValue ? { ...rest, delimiter: d.optionValue } : rest)
                }}
              >
                {DELIMITERS.map((d) => (
                  <Option key={d.label} value={d.value}>
                    {d.label}
                  </Option>
                ))}
              </Dropdown>
            </Field>
          )}
        </div>
      )}
      {source.file && inspection.isPending && <Spinner size="tiny" label="Reading the file…" />}
      <QueryError query={inspection} title="The file could not be read" />
      {data && <SourcePreview inspection={data} />}
    </>
  )
}
