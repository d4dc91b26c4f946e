import { useCallback, useSyncExternalStore } from 'react'
import { SCREENS, type Screen } from '../../../src-shared/schemas/app'

/**
 * Where the admin is, kept in the URL's hash (`#/tables?env=1&table=account`) so a reload, the
 * back button and the keyboard shortcuts all land on the same screen. No router library: three
 * screens and a few parameters.
 */
export interface Route {
  screen: Screen
  environmentId?: number | undefined
  table?: string | undefined
  runId?: number | undefined
  /** Preview: the plan shown. */
  planId?: number | undefined
  /** Profiles: the profile open in the editor ('+pull'/'+push' for a new one). */
  profile?: string | undefined
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?')
  const screen = (SCREENS as readonly string[]).includes(path) ? (path as Screen) : 'environments'
  const params = new URLSearchParams(query)
  const number = (name: string): number | undefined => {
    const n = Number(params.get(name))
    return Number.isInteger(n) && n > 0 ? n : undefined
  }
  return {
    screen,
    environmentId: number('env'),
    table: params.get('table') ?? undefined,
    runId: number('run'),
    planId: number('plan'),
    profile: params.get('profile') ?? undefined
  }
}

export function formatRoute(route: Route): string {
  const params = new URLSearchParams()
  if (route.environmentId) params.set('env', String(route.environmentId))
  if (route.table) params.set('table', route.table)
  if (route.runId) params.set('run', String(route.runId))
  if (route.planId) params.set('plan', String(route.planId))
  if (route.profile) params.set('profile', route.profile)
  const query = params.toString()
  return `#/${route.screen}${query ? `?${query}` : ''}`
}

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

export function useRoute(): [Route, (change: Partial<Route>) => void] {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash)
  const route = parseRoute(hash)
  const navigate = useCallback((change: Partial<Route>) => {
    const current = parseRoute(window.location.hash)
    const next = { ...current, ...change }
    // Another screen or environment: what was selected there does not carry over.
    if (change.screen && change.screen !== current.screen) {
      if (!('runId' in change)) next.runId = undefined
      if (!('planId' in change)) next.planId = undefined
      if (!('profile' in change)) next.profile = undefined
    }
    if (change.environmentId !== undefined && change.environmentId !== current.environmentId) {
      if (!('table' in change)) next.table = undefined
      if (!('runId' in change)) next.runId = undefined
    }
    window.location.hash = formatRoute(next)
  }, [])
  return [route, navigate]
}
