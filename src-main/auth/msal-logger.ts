import { LogLevel, type NodeSystemOptions } from '@azure/msal-node'
import { redact } from './errors'

/**
 * MSAL's own log lines, warnings and errors only, without personal data (piiLoggingEnabled
 * false) and with anything token-like redacted, into the product's log.
 */
export function msalLogger(
  log: (line: string) => void,
  secrets: readonly string[] = []
): NonNullable<NodeSystemOptions['loggerOptions']> {
  return {
    logLevel: LogLevel.Warning,
    piiLoggingEnabled: false,
    loggerCallback(level, message, containsPii) {
      if (containsPii || level > LogLevel.Warning) return
      log(`msal: ${redact(message, secrets)}`)
    }
  }
}
