import http from 'node:http'

/**
 * A scripted "system browser" for sign-in tests: what msal-node's `openBrowser` hands the URL to.
 * It does what a person and a browser do (msal-offline.md Q1): GET the authorize URL, pick a user
 * on the sandbox sign-in page, press Sign in (or Cancel), then submit the auto-submitting
 * form_post page to the loopback redirect_uri as a form POST. It only understands plain HTML
 * forms, which keeps the sign-in page honest: no script is needed except the auto-submit.
 *
 * `openBrowser` awaits the whole journey and rejects when the browser gets stuck (an error page
 * instead of a form), so a test fails with the page's message rather than hanging.
 */

export type BrowserAction = 'sign-in' | 'cancel' | 'ignore'

export interface BrowserScript {
  /** Username or display name of the demo user to choose; default: the pre-selected one. */
  user?: string
  /** 'sign-in' (default), 'cancel' (the page's Cancel button), 'ignore' (never answers). */
  action?: BrowserAction
  /** false: stop before posting to the redirect_uri and only report what would be posted. */
  deliver?: boolean
}

export interface FetchedPage {
  url: string
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

export interface Delivery {
  /** The form's target: the app's redirect_uri. */
  redirectUri: string
  fields: Record<string, string>
  /** The loopback listener's answer, when delivered. */
  response?: FetchedPage
}

interface Form {
  action: string
  attrs: Record<string, string>
  hidden: Record<string, string>
  radios: { name: string; value: string; checked: boolean; label: string }[]
  buttons: { name?: string; value?: string; text: string }[]
}

export class FakeBrowser {
  /** Every URL given to openBrowser/run. */
  readonly opened: string[] = []
  /** Every page the browser received, in order. */
  readonly pages: FetchedPage[] = []
  /** What was (or would have been) posted to the redirect_uri last. */
  lastDelivery: Delivery | undefined

  constructor(private readonly script: BrowserScript = {}) {}

  /** Pass this as msal's `openBrowser`. */
  readonly openBrowser = async (url: string): Promise<void> => {
    await this.run(url)
  }

  async run(url: string): Promise<Delivery | undefined> {
    this.opened.push(url)
    let page = await this.request('GET', url)
    for (let hop = 0; hop < 10; hop++) {
      if (page.status >= 300 && page.status < 400 && page.headers.location) {
        const next = new URL(page.headers.location, page.url)
        if (next.origin !== new URL(url).origin) return this.deliverByRedirect(next)
        page = await this.request('GET', next.toString())
        continue
      }
      const form = parseForm(page.body, page.url)
      if (!form)
        throw new Error(`fake browser stuck at HTTP ${page.status}: ${pageText(page.body)}`)
      if (form.radios.some((r) => r.name === 'user')) {
        if (this.script.action === 'ignore') return undefined
        page = await this.submitSignIn(form, page)
        continue
      }
      if (form.attrs['data-auto-submit'] === 'true') return this.deliver(form, page)
      throw new Error(`fake browser: unexpected form on ${page.url}`)
    }
    throw new Error('fake browser: too many hops')
  }

  /** The app's own Cancel (msal-offline.md Q1): POST error=access_denied&state to the redirect_uri. */
  async cancelPending(): Promise<FetchedPage> {
    const last = this.opened.at(-1)
    if (!last) throw new Error('fake browser: nothing was opened')
    const params = new URL(last).searchParams
    const fields: Record<string, string> = {
      error: 'access_denied',
      error_description: 'The user cancelled sign-in in the app.',
      state: params.get('state') ?? ''
    }
    return this.post(params.get('redirect_uri') ?? '', fields, undefined)
  }

  private async submitSignIn(form: Form, page: FetchedPage): Promise<FetchedPage> {
    const fields = { ...form.hidden }
    const wanted = this.script.user?.toLowerCase()
    const users = form.radios.filter((r) => r.name === 'user')
    const choice = wanted
      ? users.find(
          (r) => r.value.toLowerCase() === wanted || r.label.toLowerCase().includes(wanted)
        )
      : (users.find((r) => r.checked) ?? users[0])
    if (!choice)
      throw new Error(`fake browser: no user '${this.script.user ?? ''}' on the sign-in page`)
    fields.user = choice.value
    const label = this.script.action === 'cancel' ? 'Cancel' : 'Sign in'
    const button = form.buttons.find((b) => b.text === label)
    if (!button) throw new Error(`fake browser: no '${label}' button on the sign-in page`)
    if (button.name) fields[button.name] = button.value ?? ''
    return this.post(form.action, fields, new URL(page.url).origin)
  }

  private async deliver(form: Form, page: FetchedPage): Promise<Delivery> {
    const delivery: Delivery = { redirectUri: form.action, fields: form.hidden }
    this.lastDelivery = delivery
    if (this.script.deliver === false) return delivery
    delivery.response = await this.post(form.action, form.hidden, new URL(page.url).origin)
    return delivery
  }

  private async deliverByRedirect(target: URL): Promise<Delivery> {
    const fields = Object.fromEntries(new URLSearchParams(target.search || target.hash.slice(1)))
    const delivery: Delivery = { redirectUri: `${target.origin}${target.pathname}`, fields }
    this.lastDelivery = delivery
    if (this.script.deliver !== false)
      delivery.response = await this.request('GET', target.toString())
    return delivery
  }

  private post(
    url: string,
    fields: Record<string, string>,
    origin: string | undefined
  ): Promise<FetchedPage> {
    const body = new URLSearchParams(fields).toString()
    return this.request('POST', url, body, {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(origin ? { Origin: origin } : {})
    })
  }

  /**
   * One HTTP exchange. `localhost` is dialled as 127.0.0.1 (where msal's loopback listener
   * binds) with the Host header a browser would send.
   */
  private request(
    method: string,
    url: string,
    body?: string,
    headers: Record<string, string> = {}
  ): Promise<FetchedPage> {
    const target = new URL(url)
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          method,
          host: target.hostname === 'localhost' ? '127.0.0.1' : target.hostname,
          port: target.port || 80,
          path: `${target.pathname}${target.search}`,
          headers: {
            Host: target.host,
            Accept: 'text/html',
            ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
            ...headers
          },
          timeout: 10_000
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => {
            const page: FetchedPage = {
              url,
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8')
            }
            this.pages.push(page)
            resolve(page)
          })
          res.on('error', reject)
        }
      )
      req.on('timeout', () => req.destroy(new Error(`fake browser: ${method} ${url} timed out`)))
      req.on('error', reject)
      req.end(body)
    })
  }
}

const ATTR = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
    const lower = entity.toLowerCase()
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16))
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10))
    return named[lower] ?? ''
  })
}

export function parseAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {}
  for (const m of source.matchAll(ATTR)) {
    const name = m[1]
    if (name) attrs[name.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '')
  }
  return attrs
}

const stripTags = (html: string): string =>
  decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim()

export const pageText = (html: string): string =>
  stripTags(html.replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, ''))

/** The first <form> of a page: hidden inputs, radios with their label text, submit buttons. */
export function parseForm(html: string, pageUrl: string): Form | undefined {
  const match = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html)
  if (!match) return undefined
  const attrs = parseAttributes(match[1] ?? '')
  const inner = match[2] ?? ''
  const labels = new Map<string, string>()
  for (const l of inner.matchAll(/<label\b([^>]*)>([\s\S]*?)<\/label>/gi)) {
    const forId = parseAttributes(l[1] ?? '').for
    if (forId) labels.set(forId, stripTags(l[2] ?? ''))
  }
  const form: Form = {
    action: new URL(attrs.action ?? '', pageUrl).toString(),
    attrs,
    hidden: {},
    radios: [],
    buttons: []
  }
  for (const i of inner.matchAll(/<input\b([^>]*)>/gi)) {
    const a = parseAttributes(i[1] ?? '')
    if (a.type === 'hidden' && a.name) form.hidden[a.name] = a.value ?? ''
    if (a.type === 'radio' && a.name) {
      const label = labels.get(a.id ?? '') ?? ''
      form.radios.push({ name: a.name, value: a.value ?? '', checked: 'checked' in a, label })
    }
  }
  for (const b of inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)) {
    const a = parseAttributes(b[1] ?? '')
    form.buttons.push({ name: a.name, value: a.value, text: stripTags(b[2] ?? '') })
  }
  return form
}
