import {
  Button,
  MessageBar,
  MessageBarBody,
  Spinner,
  Title2,
  Toolbar,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { AddRegular, ArrowImportRegular } from '@fluentui/react-icons'
import { useQuery } from '@tanstack/react-query'
import type { Route } from '../../app/route'
import { environmentsQuery } from '../../api/queries/environments'
import { profilesQuery, useImportProfile } from '../../api/queries/profiles'
import { EmptyState } from '../../components/EmptyState'
import { ErrorMessage, QueryError } from '../../components/ErrorMessage'
import { NoEnvironment } from '../../components/NoEnvironment'
import { formOf, newForm } from './profile-form'
import { ProfileActions } from './ProfileActions'
import { ProfileEditor } from './ProfileEditor'
import { ProfileList } from './ProfileList'

const useStyles = makeStyles({
  layout: {
    display: 'grid',
    gridTemplateColumns: 'minmax(26rem, 2fr) 5fr',
    gap: tokens.spacingHorizontalL,
    flexGrow: 1,
    minHeight: '28rem'
  },
  toolbar: { gap: tokens.spacingHorizontalS },
  pane: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    minHeight: 0,
    minWidth: 0
  }
})

/** Profiles: saved pull and push settings; build one from a file, preview its push. */
export function ProfilesPage({
  environmentId,
  profile,
  onChange,
  onAddEnvironment
}: {
  environmentId: number | undefined
  profile: string | undefined
  onChange(change: Partial<Route>): void
  onAddEnvironment(): void
}): React.JSX.Element {
  const styles = useStyles()
  const profiles = useQuery(profilesQuery)
  const environments = useQuery(environmentsQuery)
  const importer = useImportProfile()
  if (environmentId === undefined)
    return <NoEnvironment title="Profiles" onAddEnvironment={onAddEnvironment} />
  const creating = profile === '+push' || profile === '+pull' ? profile.slice(1) : undefined
  const open = profiles.data?.find((p) => p.name === profile)
  const environmentOf = (id: number | null): string =>
    environments.data?.find((e) => e.id === id)?.name ?? '—'
  return (
    <>
      <Title2 as="h1">Profiles</Title2>
      <Toolbar aria-label="Profiles" className={styles.toolbar}>
        <Button icon={<AddRegular />} onClick={() => onChange({ profile: '+push' })}>
          New push profile
        </Button>
        <Button icon={<AddRegular />} onClick={() => onChange({ profile: '+pull' })}>
          New pull profile
        </Button>
        <Button
          icon={<ArrowImportRegular />}
          disabled={importer.isPending}
          onClick={() =>
            importer.mutate(undefined, {
              onSuccess: ({ profile: imported }) => imported && onChange({ profile: imported.name })
            })
          }
        >
          Import…
        </Button>
      </Toolbar>
      {importer.isError && (
        <ErrorMessage error={importer.error} title="The profile was not imported" />
      )}
      {importer.data?.profile && (
        <MessageBar intent="success">
          <MessageBarBody>Imported profile {importer.data.profile.name}.</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.layout}>
        <section className={styles.pane} aria-label="Saved profiles">
          {profiles.isPending && <Spinner label="Loading profiles…" />}
          <QueryError query={profiles} title="Could not load the profiles" />
          {profiles.data?.length === 0 && (
            <EmptyState title="No profiles yet">
              A push profile keeps how a file’s rows go into a table; a pull profile, which columns
              of a table to mirror.
            </EmptyState>
          )}
          {profiles.data && profiles.data.length > 0 && (
            <ProfileList
              profiles={profiles.data}
              selected={profile}
              onSelect={(name) => onChange({ profile: name })}
            />
          )}
        </section>
        <section className={styles.pane} aria-label="Profile">
          {creating && (
            <ProfileEditor
              key={profile}
              initial={newForm(creating as 'pull' | 'push', environmentId)}
              environmentName={environmentOf(environmentId)}
              onSaved={(name) => onChange({ profile: name })}
            />
          )}
          {open && (
            <>
              {open.problem && (
                <ErrorMessage error={new Error(open.problem)} code="INVALID_INPUT" />
              )}
              <ProfileEditor
                key={open.name}
                initial={formOf(open, environmentId)}
                environmentName={open.environmentName ?? environmentOf(open.environmentId)}
                onSaved={(name) => onChange({ profile: name })}
                actions={(dirty) => (
                  <ProfileActions
                    profile={open}
                    dirty={dirty}
                    onPlanned={(planId) => onChange({ screen: 'preview', planId })}
                    onPulled={(runId) =>
                      onChange({
                        screen: 'pulls',
                        environmentId: open.environmentId ?? environmentId,
                        table: open.table,
                        runId
                      })
                    }
                    onRemoved={() => onChange({ profile: undefined })}
                  />
                )}
              />
            </>
          )}
          {!creating && !open && profiles.isSuccess && (
            <EmptyState title="Choose a profile, or make a new one">
              A push profile starts from a file: its first rows, a mapping to the table’s columns
              and the key that matches records.
            </EmptyState>
          )}
        </section>
      </div>
    </>
  )
}
