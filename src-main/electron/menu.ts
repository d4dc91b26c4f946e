import type { MenuItemConstructorOptions } from 'electron'
import type { AppCommand, Screen } from '../../src-shared/schemas/app'

export interface MenuDeps {
  platform: NodeJS.Platform
  appName: string
  /** Tells the window to do something (navigate, refresh…): an `app:command` event. */
  command(command: AppCommand): void
  openExternal(url: string): void
  /** Developer tools only in development builds. */
  isDev: boolean
}

const SCREENS: { to: Screen; label: string; key: string }[] = [
  { to: 'environments', label: 'Environments', key: '1' },
  { to: 'tables', label: 'Tables', key: '2' },
  { to: 'pulls', label: 'Pulls && changes', key: '3' },
  { to: 'profiles', label: '&Profiles', key: '4' },
  { to: 'preview', label: 'Pre&view', key: '5' },
  { to: 'runs', label: 'R&uns', key: '6' }
]

export const DOCS_URL =
  'https://learn.microsoft.com/power-apps/developer/data-platform/webapi/overview'

/**
 * The native menu: the screens on Ctrl/Cmd+1…6, Refresh on F5 and Ctrl/Cmd+R (data, not the page),
 * theme on Ctrl/Cmd+Shift+L, Add environment on Ctrl/Cmd+N, and the platform's standard roles so
 * copy, paste and zoom work in every text field. A pure function, unit-tested without Electron.
 */
export function menuTemplate(deps: MenuDeps): MenuItemConstructorOptions[] {
  const mac = deps.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = []
  if (mac)
    template.push({
      label: deps.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { type: 'separator' },
        { role: 'quit' }
      ]
    })
  template.push(
    {
      label: '&File',
      submenu: [
        {
          label: 'Add &environment…',
          accelerator: 'CmdOrCtrl+N',
          click: () => deps.command({ command: 'add-environment' })
        },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        ...SCREENS.map((s): MenuItemConstructorOptions => ({
          label: s.label,
          accelerator: `CmdOrCtrl+${s.key}`,
          click: () => deps.command({ command: 'navigate', to: s.to })
        })),
        { type: 'separator' },
        {
          label: '&Refresh',
          accelerator: 'F5',
          click: () => deps.command({ command: 'refresh' })
        },
        {
          label: 'Refresh',
          accelerator: 'CmdOrCtrl+R',
          visible: false,
          acceleratorWorksWhenHidden: true,
          click: () => deps.command({ command: 'refresh' })
        },
        {
          label: 'Switch &theme',
          accelerator: 'CmdOrCtrl+Shift+L',
          click: () => deps.command({ command: 'toggle-theme' })
        },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(deps.isDev ? [{ role: 'toggleDevTools' } as const] : [])
      ]
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Dataverse Web API documentation',
          click: () => deps.openExternal(DOCS_URL)
        }
      ]
    }
  )
  return template
}
