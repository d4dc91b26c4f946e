import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, constants, mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

/**
 * A real Secret Service for keychain tests: a private D-Bus session (`dbus-run-session`) with
 * `gnome-keyring-daemon --unlock --components=secrets`, exactly the headless setup that
 * msal-offline.md Q4 verified for keytar. The keyring lives in a temporary XDG_DATA_HOME, so the
 * tests never touch a real user keyring.
 *
 * One session per test process: libsecret keeps its first D-Bus connection for the life of the
 * process, so the session must outlive every test file a worker runs. Its script waits on stdin;
 * when this process ends (normally or not) the pipe closes, the script exits, dbus-run-session
 * takes the bus down and gnome-keyring-daemon exits with it: nothing is left running.
 */

const SCRIPT = `
printf %s "$KEYRING_PW" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || exit 3
i=0
until dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply \\
  /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \\
  | grep -q 'boolean true'; do
  i=$((i+1)); [ "$i" -gt 200 ] && exit 4; sleep 0.05
done
echo "BUS=$DBUS_SESSION_BUS_ADDRESS"
cat >/dev/null
`

export const KEYRING_BINARIES = ['dbus-run-session', 'gnome-keyring-daemon', 'dbus-send'] as const

export interface KeyringSession {
  /** What a process needs to reach this keyring (also set on this process's env). */
  env: { DBUS_SESSION_BUS_ADDRESS: string }
}

/** The binaries missing from PATH; empty when a keyring session can be started. */
export function missingKeyringBinaries(): string[] {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)
  return KEYRING_BINARIES.filter(
    (name) =>
      !dirs.some((dir) => {
        try {
          accessSync(join(dir, name), constants.X_OK)
          return true
        } catch {
          return false
        }
      })
  )
}

// On globalThis, not in module scope: vitest re-imports modules for each test file, but a worker
// process (and libsecret's connection in it) may run several files.
const holder = globalThis as { __dvsyncKeyringSession?: Promise<KeyringSession> }

/** Starts (once per process) the private keyring and points this process's D-Bus at it. */
export function keyringSession(): Promise<KeyringSession> {
  holder.__dvsyncKeyringSession ??= start()
  return holder.__dvsyncKeyringSession
}

function start(): Promise<KeyringSession> {
  const home = mkdtempSync(join(tmpdir(), 'dvsync-keyring-'))
  const runtime = join(home, 'run')
  mkdirSync(runtime, { mode: 0o700 })
  mkdirSync(join(home, 'data'))
  const child: ChildProcess = spawn('dbus-run-session', ['--', 'sh', '-c', SCRIPT], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: {
      ...process.env,
      HOME: home,
      XDG_RUNTIME_DIR: runtime,
      XDG_DATA_HOME: join(home, 'data'),
      XDG_CONFIG_HOME: join(home, 'config'),
      KEYRING_PW: randomBytes(12).toString('hex')
    }
  })
  // The session is shared by every test file of this process; don't keep the process alive.
  child.unref()
  process.once('exit', () => {
    child.stdin?.end()
    rmSync(home, { recursive: true, force: true })
  })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('keyring session: no bus within 10 s')), 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const address = /BUS=(\S+)/.exec(out)?.[1]
      if (!address) return
      clearTimeout(timer)
      process.env['DBUS_SESSION_BUS_ADDRESS'] = address
      resolve({ env: { DBUS_SESSION_BUS_ADDRESS: address } })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`keyring session ended early (exit code ${String(code)})`))
    })
  })
}
