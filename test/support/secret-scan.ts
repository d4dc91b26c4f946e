/**
 * Looks for anything secret in data that crossed to the renderer: fields named like secrets or
 * tokens, JWT-shaped strings, and the given known secrets. Returns where each one was found.
 */
const SECRET_NAME = /(secret|password|passwd|token|credential|assertion|bearer|refresh|private)/i
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./

export function findSecrets(value: unknown, known: readonly string[] = [], path = '$'): string[] {
  if (typeof value === 'string') {
    if (JWT.test(value)) return [`${path}: a JWT`]
    const hit = known.find((k) => k.length >= 6 && value.includes(k))
    return hit ? [`${path}: contains a known secret`] : []
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecrets(v, known, `${path}[${i}]`))
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, v]) => [
      ...(SECRET_NAME.test(key) ? [`${path}.${key}: a secret-looking field`] : []),
      ...findSecrets(v, known, `${path}.${key}`)
    ])
  return []
}
