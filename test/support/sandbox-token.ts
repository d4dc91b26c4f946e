/**
 * A client-credentials token for the demo app of a sandbox running in another process, read
 * from its public /_sandbox/info — for child processes of tests and the bench.
 */
export async function sandboxAppToken(sandboxUrl: string): Promise<string> {
  const info = (await (await fetch(`${sandboxUrl}/_sandbox/info`)).json()) as Record<string, string>
  const response = await fetch(info['tokenEndpoint']!, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: info['clientId']!,
      client_secret: info['clientSecret']!,
      scope: `${sandboxUrl}/.default`
    })
  })
  const body = (await response.json()) as { access_token?: string; error_description?: string }
  if (!body.access_token)
    throw new Error(`sandbox token: ${body.error_description ?? response.status}`)
  return body.access_token
}
