import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  Option,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { useState } from 'react'
import type { Input as IpcInput } from '../../../../src-shared/contract'
import { AUTH_KINDS, type AuthKind } from '../../../../src-shared/model/environment'
import type { EnvironmentView } from '../../../../src-shared/schemas/environments'
import { IpcError } from '../../api/client'
import { useAddEnvironment } from '../../api/queries/environments'
import { ErrorMessage } from '../../components/ErrorMessage'
import { FIELD_LABELS, KINDS, REQUIRED, type KindField } from './sign-in-kinds'

const useStyles = makeStyles({
  form: { display: 'grid', gap: tokens.spacingVerticalM },
  description: { color: tokens.colorNeutralForeground2 }
})

type Values = Record<Exclude<KindField, 'signInAsUser'>, string>
const EMPTY: Values = {
  tenantId: '',
  clientId: '',
  clientSecret: '',
  certificatePath: '',
  tokenCommand: '',
  authority: ''
}

function inputFor(kind: AuthKind, name: string, url: string, v: Values, asUser: boolean) {
  const opt = (s: string): string | undefined => s.trim() || undefined
  const base = { name, url }
  switch (kind) {
    case 'interactive':
      return {
        authKind: kind,
        ...base,
        tenantId: opt(v.tenantId),
        clientId: opt(v.clientId),
        authority: opt(v.authority)
      }
    case 'client-secret':
      return {
        authKind: kind,
        ...base,
        tenantId: v.tenantId,
        clientId: v.clientId,
        clientSecret: v.clientSecret,
        authority: opt(v.authority)
      }
    case 'certificate':
      return {
        authKind: kind,
        ...base,
        tenantId: v.tenantId,
        clientId: v.clientId,
        certificatePath: v.certificatePath,
        authority: opt(v.authority)
      }
    case 'token-command':
      return { authKind: kind, ...base, tokenCommand: v.tokenCommand }
    case 'env-token':
      return { authKind: kind, ...base }
    case 'sandbox':
      return { authKind: kind, ...base, signInAsUser: asUser }
  }
}

/** Add environment: name, URL, sign-in kind and the fields that kind needs. */
export function AddEnvironmentDialog({
  open,
  onClose,
  onAdded
}: {
  open: boolean
  onClose(): void
  onAdded(environment: EnvironmentView, signInNow: boolean): void
}): React.JSX.Element {
  const styles = useStyles()
  const add = useAddEnvironment()
  const [name, setName] = useState('')
  const [url, setUrl] = useState('')
  const [kind, setKind] = useState<AuthKind>('interactive')
  const [values, setValues] = useState<Values>(EMPTY)
  const [asUser, setAsUser] = useState(true)
  const [signInNow, setSignInNow] = useState(true)
  const info = KINDS[kind]
  const fieldError = add.error instanceof IpcError ? add.error.field : undefined
  const errorFor = (field: string): string | undefined =>
    fieldError === field ? add.error?.message : undefined
  const interactive = info.interactive || (kind === 'sandbox' && asUser)

  const close = (): void => {
    add.reset()
    onClose()
  }
  const submit = (event: React.FormEvent): void => {
    event.preventDefault()
    const input = inputFor(
      kind,
      name.trim(),
      url.trim(),
      values,
      asUser
    ) as IpcInput<'environments:add'>
    add.mutate(input, {
      onSuccess: (environment) => {
        setName('')
        setUrl('')
        setValues(EMPTY)
        add.reset()
        onAdded(environment, interactive && signInNow)
      }
    })
  }

  return (
    <Dialog open={open} onOpenChange={(_, data) => !data.open && close()}>
      <DialogSurface aria-describedby={undefined}>
        <form onSubmit={submit} data-testid="add-environment-form">
          <DialogBody>
            <DialogTitle>Add environment</DialogTitle>
            <DialogContent className={styles.form}>
              <Field
                label="Name"
                required
                validationMessage={errorFor('name')}
                hint="How you refer to it, e.g. contoso-prod"
              >
                <Input value={name} onChange={(_, d) => setName(d.value)} />
              </Field>
              <Field
                label="Environment URL"
                required
                validationMessage={errorFor('url')}
                hint="e.g. https://contoso.crm.dynamics.com"
              >
                <Input type="url" value={url} onChange={(_, d) => setUrl(d.value)} />
              </Field>
              <Field label="Sign-in" required>
                <Dropdown
                  inlinePopup
                  value={info.label}
                  selectedOptions={[kind]}
                  onOptionSelect={(_, d) => d.optionValue && setKind(d.optionValue as AuthKind)}
                >
                  {AUTH_KINDS.map((k) => (
                    <Option key={k} value={k}>
                      {KINDS[k].label}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
              <Text className={styles.description}>{info.description}</Text>
              {info.fields.map((field) =>
                field === 'signInAsUser' ? (
                  <Checkbox
                    key={field}
                    checked={asUser}
                    onChange={(_, d) => setAsUser(d.checked === true)}
                    label="Sign in as a demo user (otherwise the demo app signs in by itself)"
                  />
                ) : (
                  <Field
                    key={field}
                    label={FIELD_LABELS[field]}
                    required={REQUIRED[kind]?.includes(field)}
                    validationMessage={errorFor(field)}
                  >
                    <Input
                      type={field === 'clientSecret' ? 'password' : 'text'}
                      value={values[field]}
                      onChange={(_, d) => setValues((v) => ({ ...v, [field]: d.value }))}
                    />
                  </Field>
                )
              )}
              {interactive && (
                <Checkbox
                  checked={signInNow}
                  onChange={(_, d) => setSignInNow(d.checked === true)}
                  label="Sign in now"
                />
              )}
              {add.isError && !fieldError && (
                <ErrorMessage error={add.error} title="Could not add the environment" />
              )}
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={close}>
                Cancel
              </Button>
              <Button appearance="primary" type="submit" disabled={add.isPending}>
                {add.isPending ? 'Adding…' : 'Add'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  )
}
