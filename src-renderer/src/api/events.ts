import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { events } from '../../../src-shared/contract'
import type { AppCommand } from '../../../src-shared/schemas/app'
import { recordProgress } from './progress-store'
import { prefixOf } from './query-keys'

/**
 * The main process's events, wired once at the app root: `data:changed` invalidates the cached
 * queries it names, `run:progress` updates the progress the Pulls, Preview and Runs screens show, `app:command` (the
 * native menu) goes to the shell. Payloads are validated here too: the renderer trusts the
 * contract, not the transport.
 */
export function useMainEvents(onCommand: (command: AppCommand) => void): void {
  const queryClient = useQueryClient()
  useEffect(() => {
    const offData = window.api.on('data:changed', (raw) => {
      const parsed = events['data:changed'].safeParse(raw)
      if (!parsed.success) return
      for (const entity of parsed.data.entities)
        void queryClient.invalidateQueries({
          queryKey: prefixOf(entity, parsed.data.environmentId)
        })
    })
    const offProgress = window.api.on('run:progress', (raw) => {
      const parsed = events['run:progress'].safeParse(raw)
      if (parsed.success) recordProgress(parsed.data)
    })
    const offCommand = window.api.on('app:command', (raw) => {
      const parsed = events['app:command'].safeParse(raw)
      if (parsed.success) onCommand(parsed.data)
    })
    return () => {
      offData()
      offProgress()
      offCommand()
    }
  }, [queryClient, onCommand])
}
