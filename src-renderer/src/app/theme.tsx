import { FluentProvider, webDarkTheme, webLightTheme } from '@fluentui/react-components'
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react'

export type ThemeChoice = 'system' | 'light' | 'dark'

interface ThemeState {
  choice: ThemeChoice
  /** What is shown now: the choice, or the OS's setting for 'system'. */
  effective: 'light' | 'dark'
  choose(choice: ThemeChoice): void
  /** The menu's Switch theme: to the other one of what is shown now. */
  toggle(): void
}

const STORAGE_KEY = 'dvsync.theme'
const ThemeContext = createContext<ThemeState | undefined>(undefined)

function stored(): ThemeChoice {
  const value = localStorage.getItem(STORAGE_KEY)
  return value === 'light' || value === 'dark' ? value : 'system'
}

function useSystemDark(): boolean {
  const query = useMemo(() => window.matchMedia('(prefers-color-scheme: dark)'), [])
  const [dark, setDark] = useState(query.matches)
  useEffect(() => {
    const update = (): void => setDark(query.matches)
    query.addEventListener('change', update)
    return () => query.removeEventListener('change', update)
  }, [query])
  return dark
}

/** Light and dark Fluent themes: the OS's by default, or the one the admin picked (remembered). */
export function ThemeProvider({ children }: { children: React.ReactNode }): React.JSX.Element {
  const [choice, setChoice] = useState<ThemeChoice>(stored)
  const systemDark = useSystemDark()
  const effective = choice === 'system' ? (systemDark ? 'dark' : 'light') : choice
  const choose = useCallback((next: ThemeChoice) => {
    localStorage.setItem(STORAGE_KEY, next)
    setChoice(next)
  }, [])
  const toggle = useCallback(
    () => choose(effective === 'dark' ? 'light' : 'dark'),
    [choose, effective]
  )
  const state = useMemo(
    () => ({ choice, effective, choose, toggle }),
    [choice, effective, choose, toggle]
  )
  useEffect(() => {
    document.documentElement.style.colorScheme = effective
  }, [effective])
  return (
    <ThemeContext.Provider value={state}>
      <FluentProvider
        theme={effective === 'dark' ? webDarkTheme : webLightTheme}
        style={{ height: '100%' }}
        data-theme={effective}
      >
        {children}
      </FluentProvider>
    </ThemeContext.Provider>
  )
}

export function useTheme(): ThemeState {
  const state = useContext(ThemeContext)
  if (!state) throw new Error('useTheme needs a ThemeProvider')
  return state
}
