import { randomBytes } from 'node:crypto'
import { type DemoUser } from './directory'

/**
 * The HTML the sandbox identity provider shows in the user's system browser: the sign-in page,
 * the auto-submitting form_post page, error and signed-out pages. Self-contained (no external
 * resources), every echoed value escaped, a CSP with a per-response nonce, and plain semantic
 * HTML (heading, fieldset/legend, labels, native buttons) so it works with a keyboard and a
 * screen reader — and Playwright can drive it by role and label.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)

export interface Page {
  html: string
  headers: Record<string, string>
}

/** `formAction`: where the page's form may post ('self' or the loopback redirect origin). */
function page(title: string, body: string, formAction: string, script?: string): Page {
  const nonce = randomBytes(16).toString('base64')
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} – Dataverse Sync Studio sandbox</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
<p class="note" id="sandbox-note"><strong>Sandbox.</strong> This page comes from the Dataverse Sync Studio sandbox running on this computer. It is not Microsoft and never asks for a password: never type a real password here.</p>
${body}
</main>${script ? `\n<script nonce="${nonce}">${script}</script>` : ''}
</body>
</html>
`
  return {
    html,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY'
    }
  }
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:0;background:#f3f2f1;color:#201f1e;line-height:1.5}',
  'main{max-width:32rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 2px 6px rgba(0,0,0,.15)}',
  '.note{background:#fff4ce;border-left:4px solid #8a6100;padding:.5rem .75rem;font-size:.9rem}',
  'h1{font-size:1.5rem;margin:.5rem 0 1rem}',
  'fieldset{border:1px solid #8a8886;border-radius:4px;margin:0 0 1rem;padding:.5rem 1rem}',
  'legend{font-weight:600;padding:0 .25rem}',
  '.choice{display:flex;align-items:center;gap:.5rem;padding:.35rem 0}',
  '.choice label{display:flex;flex-direction:column;cursor:pointer}',
  '.username{color:#605e5c;font-size:.9rem}',
  '.actions{display:flex;gap:.75rem}',
  'button{font:inherit;padding:.4rem 1.25rem;border-radius:4px;border:1px solid #8a8886;background:#fff;cursor:pointer}',
  'button.primary{background:#0f6cbd;border-color:#0f6cbd;color:#fff}',
  ':focus-visible{outline:3px solid #201f1e;outline-offset:2px}',
  'code{word-break:break-all}'
].join('')

export interface SignInPageInput {
  /** POST target of the form (an IdP path). */
  action: string
  flowId: string
  appName: string
  resource: string
  users: readonly DemoUser[]
  /** Pre-selected username (login_hint); the first user otherwise. */
  selected: string | undefined
  /** Shown above the choices when the last submit was not usable. */
  error?: string
}

export function signInPage(input: SignInPageInput): Page {
  const selected =
    input.users.find((u) => u.username.toLowerCase() === input.selected?.toLowerCase()) ??
    input.users[0]
  const choices = input.users
    .map((user, i) => {
      const checked = user === selected ? ' checked' : ''
      return `<div class="choice"><input type="radio" id="user-${i}" name="user" value="${escapeHtml(user.username)}"${checked}>
<label for="user-${i}"><span class="name">${escapeHtml(user.name)}</span><span class="username">${escapeHtml(user.username)}</span></label></div>`
    })
    .join('\n')
  const body = `<h1>Sign in to the sandbox</h1>
<p><strong>${escapeHtml(input.appName)}</strong> wants to access the sandbox environment <code>${escapeHtml(input.resource)}</code> as the user you choose.</p>
${input.error ? `<p role="alert">${escapeHtml(input.error)}</p>\n` : ''}<form method="post" action="${escapeHtml(input.action)}" aria-describedby="sandbox-note">
<input type="hidden" name="flow" value="${escapeHtml(input.flowId)}">
<fieldset>
<legend>Choose a demo user</legend>
${choices}
</fieldset>
<div class="actions">
<button type="submit" class="primary" name="action" value="sign-in">Sign in</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</div>
</form>`
  return page('Sign in', body, "'self'")
}

/**
 * response_mode=form_post (msal-node ≥ 6 forces it, msal-offline.md Q1): a form that posts the
 * response fields to the redirect URI, submitted by script, with a button as fallback.
 */
export function formPostPage(redirectUri: string, fields: Record<string, string>): Page {
  const inputs = Object.entries(fields)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`
    )
    .join('\n')
  const body = `<h1>Returning to the app…</h1>
<p>If nothing happens, select Continue.</p>
<form method="post" action="${escapeHtml(redirectUri)}" id="response" data-auto-submit="true">
${inputs}
<div class="actions"><button type="submit" class="primary">Continue</button></div>
</form>`
  // redirectUri was checked to be a loopback http URL (directory.ts), so its origin is CSP-safe.
  return page(
    'Returning to the app',
    body,
    new URL(redirectUri).origin,
    "document.getElementById('response').submit()"
  )
}

export function errorPage(title: string, message: string): Page {
  const body = `<h1>${escapeHtml(title)}</h1>
<p role="alert">${escapeHtml(message)}</p>
<p>Close this window and start again from the app.</p>`
  return page(title, body, "'none'")
}

export function signedOutPage(): Page {
  const body = `<h1>You signed out</h1>
<p>You signed out of the sandbox. You can close this window.</p>`
  return page('Signed out', body, "'none'")
}
