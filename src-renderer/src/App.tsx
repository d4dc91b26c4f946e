import { AppShell } from './shell/AppShell'

export function App(): React.JSX.Element {
  return <AppShell />
}
