import { z } from 'zod'

/** Where and how big the window was, remembered across restarts. */
export const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean()
})
export type WindowState = z.infer<typeof WindowState>

export interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false }

/**
 * The saved state, or the default when there is none or it is unreadable. A position that is on
 * no display any more (a monitor was unplugged) is dropped, so the window never opens off screen.
 */
export function restoreWindowState(saved: string | undefined, displays: Rectangle[]): WindowState {
  let state: WindowState
  try {
    state = WindowState.parse(JSON.parse(saved ?? ''))
  } catch {
    return { ...DEFAULT_WINDOW_STATE }
  }
  if (state.x === undefined || state.y === undefined) return state
  if (displays.some((d) => titleBarVisible(d, state as Rectangle))) return state
  const { x: _x, y: _y, ...rest } = state
  return rest
}

/** Enough of the title bar is on the display to grab the window and move it. */
function titleBarVisible(area: Rectangle, window: Rectangle): boolean {
  const left = Math.max(area.x, window.x)
  const right = Math.min(area.x + area.width, window.x + window.width)
  const top = Math.max(area.y, window.y)
  const bottom = Math.min(area.y + area.height, window.y + 40)
  return right - left >= 100 && bottom - top >= 20
}

export interface TrackedWindow {
  getNormalBounds(): Rectangle
  isMaximized(): boolean
  isDestroyed(): boolean
  on(event: 'resize' | 'move' | 'close', listener: () => void): unknown
}

/** Saves the state when the window moves or resizes (debounced) and when it closes. */
export function trackWindowState(
  window: TrackedWindow,
  save: (json: string) => void,
  delayMs = 500
): void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const write = (): void => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (window.isDestroyed()) return
    const bounds = window.getNormalBounds()
    const state: WindowState = { ...bounds, maximized: window.isMaximized() }
    save(JSON.stringify(state))
  }
  const later = (): void => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(write, delayMs)
  }
  window.on('resize', later)
  window.on('move', later)
  window.on('close', write)
}
