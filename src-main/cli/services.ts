import { systemBrowserOpener } from '../auth/index'
import { createServices, type Services } from '../app/services'
import type { Output } from './output'
import { describeTransportEvent, transportSettings } from './transport-notes'

/** The services the CLI commands use, on the given data folder; notes go to stderr. */
export async function openCliServices(dataDir: string, output: Output): Promise<Services> {
  return createServices({
    dataDir,
    // Every wait for Dataverse (throttling, retries) is said as it starts, on stderr.
    transport: {
      ...transportSettings(),
      onEvent: (event) => output.info(describeTransportEvent(event))
    },
    openBrowser: systemBrowserOpener({ print: (line) => output.info(line) }),
    // MSAL's own warnings (e.g. "No client info in response" on every app token) are noise to
    // an admin; they are shown when DVSYNC_DEBUG is set.
    log: (line) => {
      if (!line.startsWith('msal:') || process.env['DVSYNC_DEBUG']) output.info(line)
    }
  })
}
