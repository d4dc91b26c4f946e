import { spawn } from 'node:child_process'
import { AuthFailedError, humanDuration, redact } from './errors'
import { readJwt } from './jwt-shape'

export interface TokenCommandOptions {
  envName: string
  environmentUrl: string
  timeoutMs: number
  platform?: NodeJS.Platform
  /** Base environment of the command; process.env by default. */
  env?: NodeJS.ProcessEnv
}

const MAX_OUTPUT_BYTES = 1024 * 1024

/**
 * Runs an environment's token command (`--auth token-command --command "CMD"`, cli.md), e.g.
 * `az account get-access-token --resource URL --query accessToken -o tsv`, and returns the
 * access token it prints.
 *
 * How it runs: through the platform shell, explicitly — `/bin/sh -c CMD` on macOS/Linux and
 * `cmd.exe /d /s /c "CMD"` on Windows (where `az` is a .cmd script that can't be started without
 * a shell). The command is the admin's own configuration, trusted like a line in their crontab;
 * the layer never builds it from other values, so nothing can be injected into it. The
 * environment URL reaches the command as DVSYNC_ENVIRONMENT_URL (use "$DVSYNC_ENVIRONMENT_URL"
 * or %DVSYNC_ENVIRONMENT_URL%) rather than by string substitution. stdin is closed, so a
 * command that waits for input fails instead of hanging; a command that runs past the timeout
 * is killed with its process group.
 *
 * stdout is trimmed; it must be one JWT-shaped token, or the JSON of `az account
 * get-access-token` (its accessToken field). Errors never echo stdout (it may be a secret in the
 * wrong shape); they quote the last line of stderr with anything token-like redacted.
 */
export async function runTokenCommand(
  command: string,
  options: TokenCommandOptions
): Promise<string> {
  const platform = options.platform ?? process.platform
  const where = `The token command of environment '${options.envName}'`
  if (!command.trim())
    throw new AuthFailedError('token-command', `${where} is empty. Set it with --command "CMD".`)
  const { file, args } = shellFor(command, platform, options.env ?? process.env)
  const result = await run(file, args, platform, options)
  if (result.error)
    throw new AuthFailedError('token-command', `${where} could not be started (${result.error}).`)
  if (result.timedOut)
    throw new AuthFailedError(
      'token-command',
      `${where} did not finish within ${humanDuration(options.timeoutMs)} and was stopped. Run it yourself to see whether it waits for a sign-in (e.g. run \`az login\` first).`
    )
  const stderrTail = lastLine(result.stderr)
  if (result.code !== 0)
    throw new AuthFailedError(
      'token-command',
      `${where} failed (${result.signal ? `killed by ${result.signal}` : `exit code ${String(result.code)}`})${stderrTail ? `: ${stderrTail}` : ''}. Run it yourself to check it prints an access token (e.g. run \`az login\` first).`
    )
  const printed = result.stdout.trim()
  if (!printed)
    throw new AuthFailedError(
      'token-command',
      `${where} printed nothing on stdout${stderrTail ? ` (stderr: ${stderrTail})` : ''}. It must print only the access token, e.g. az account get-access-token --resource ${options.environmentUrl} --query accessToken -o tsv.`
    )
  const token = fromAzJson(printed) ?? printed
  if (!readJwt(token))
    throw new AuthFailedError(
      'token-command',
      `${where} printed ${printed.length} characters that are not an access token (expected one JWT: three base64url parts separated by dots). Make it print only the token, e.g. az account get-access-token --resource ${options.environmentUrl} --query accessToken -o tsv.`
    )
  return token
}

function shellFor(
  command: string,
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv
): { file: string; args: string[] } {
  if (platform === 'win32')
    return { file: env['ComSpec'] ?? 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`] }
  return { file: '/bin/sh', args: ['-c', command] }
}

interface RunResult {
  stdout: string
  stderr: string
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  error?: string
}

function run(
  file: string,
  args: string[],
  platform: NodeJS.Platform,
  options: TokenCommandOptions
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...(options.env ?? process.env), DVSYNC_ENVIRONMENT_URL: options.environmentUrl },
      // Own process group on POSIX, so a timeout kills the command's children too.
      detached: platform !== 'win32',
      windowsHide: true,
      windowsVerbatimArguments: platform === 'win32'
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    let size = 0
    let timedOut = false
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_OUTPUT_BYTES) into.push(chunk)
      else kill()
    }
    const kill = (): void => {
      try {
        if (platform !== 'win32' && child.pid) process.kill(-child.pid, 'SIGKILL')
        else child.kill('SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }
    child.stdout.on('data', collect(out))
    child.stderr.on('data', collect(err))
    const timer = setTimeout(() => {
      timedOut = true
      kill()
    }, options.timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve({ stdout: '', stderr: '', code: null, signal: null, timedOut, error: e.message })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        signal,
        timedOut
      })
    })
  })
}

/** `az account get-access-token` without --query prints JSON with accessToken. */
function fromAzJson(printed: string): string | undefined {
  if (!printed.startsWith('{')) return undefined
  try {
    const json = JSON.parse(printed) as Record<string, unknown>
    const token = json['accessToken'] ?? json['access_token']
    return typeof token === 'string' ? token.trim() : undefined
  } catch {
    return undefined
  }
}

function lastLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  // Without its final full stop, since the message goes on after it.
  return redact(lines.at(-1) ?? '')
    .slice(0, 300)
    .replace(/[.\s]+$/, '')
}
