import { z } from 'zod'
import { AUTH_KINDS } from '../model/environment'
import { EnvironmentId } from './common'

/**
 * Environments over IPC. What the renderer gets back never holds a secret: no client secret, no
 * token, no token command text; what it sends may hold a client secret once, on the way to the
 * OS keychain (the secret field is write-only).
 */
/** The same rule as `dvsync env add NAME`: 1–64 letters, digits, '.', '_' or '-'. */
export const EnvironmentName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be 1–64 letters, digits, '.', '_' or '-'")

const Url = z.string().trim().min(1, 'is required').max(2048)
const Text = z.string().trim().max(2048)
const Optional = Text.optional()

/** How an environment gets its tokens, as the screens explain it. */
export const SignInStyle = z.enum([
  /** A person signs in in the browser (interactive, sandbox demo users). */
  'user',
  /** An app registration signs in by itself (client secret, certificate, sandbox demo app). */
  'app',
  /** Tokens come from outside: a command or DVSYNC_ACCESS_TOKEN. */
  'external'
])

export const EnvironmentView = z
  .object({
    id: EnvironmentId,
    name: z.string(),
    url: z.string(),
    authKind: z.enum(AUTH_KINDS),
    tenantId: z.string().nullable(),
    clientId: z.string().nullable(),
    authority: z.string().nullable(),
    certificatePath: z.string().nullable(),
    signInStyle: SignInStyle,
    /** The account a 'user' environment signs in with (nothing for the others). */
    account: z.object({ username: z.string(), name: z.string().nullable() }).strict().nullable(),
    /** 'user' environments: a cached account exists. Others: true. */
    signedIn: z.boolean(),
    /** Why the sign-in state could not be read (e.g. the sandbox is not running). */
    problem: z.string().nullable(),
    /** The app's own one-click sandbox (started in-process on a fixed loopback port). */
    builtInSandbox: z.boolean()
  })
  .strict()
export type EnvironmentView = z.infer<typeof EnvironmentView>

const base = { name: EnvironmentName, url: Url }

/** What `environments:add` takes: the fields each sign-in kind needs, as `dvsync env add`. */
export const AddEnvironmentInput = z.discriminatedUnion('authKind', [
  z
    .object({
      authKind: z.literal('interactive'),
      ...base,
      tenantId: Optional,
      clientId: Optional,
      authority: Optional
    })
    .strict(),
  z
    .object({
      authKind: z.literal('client-secret'),
      ...base,
      tenantId: Text,
      clientId: Text,
      /** Write-only: stored in the OS keychain, never returned, logged or saved elsewhere. */
      clientSecret: z.string().max(4096),
      authority: Optional
    })
    .strict(),
  z
    .object({
      authKind: z.literal('certificate'),
      ...base,
      tenantId: Text,
      clientId: Text,
      certificatePath: Text,
      authority: Optional
    })
    .strict(),
  z.object({ authKind: z.literal('token-command'), ...base, tokenCommand: Text }).strict(),
  z.object({ authKind: z.literal('env-token'), ...base }).strict(),
  /** A sandbox started elsewhere (`dvsync sandbox`); the demo app, or a demo user when asked. */
  z.object({ authKind: z.literal('sandbox'), ...base, signInAsUser: z.boolean() }).strict()
])
export type AddEnvironmentInput = z.infer<typeof AddEnvironmentInput>

export const AddSandboxInput = z.object({ name: EnvironmentName.default('sandbox') }).strict()

export const ById = z.object({ id: EnvironmentId }).strict()

export const ConnectionTest = z
  .object({
    userId: z.string(),
    organizationId: z.string(),
    businessUnitId: z.string(),
    /** Days Dataverse keeps changes for delta tokens; null when it did not say. */
    retentionDays: z.number().int().nullable(),
    durationMs: z.number().int().nonnegative()
  })
  .strict()
export type ConnectionTest = z.infer<typeof ConnectionTest>
