// Helpers of the REGARDS emulator tests: URLs, sign-in and JSON requests over real HTTP.
import { DEMO_CLIENT, SEED_USERS, type RegardsEmulator } from '../../../emulator/regards/index.js'
import { json, send, type Exchange, type SendOptions } from '../http-client.js'

export const BASIC = `Basic ${Buffer.from(DEMO_CLIENT).toString('base64')}`

export function passwordOf(email: string): string {
  const user = SEED_USERS.find(candidate => candidate.email === email)
  if (!user) throw new Error(`no seeded user ${email}`)
  return user.password
}

export function tokenRequest(
  emulator: RegardsEmulator,
  body: unknown,
  { query = `?scope=${emulator.tenant}`, headers = {} as Record<string, string> } = {}
): Promise<Exchange> {
  return send(`${emulator.url}/api/v1/rs-authentication/oauth/token${query}`, {
    method: 'POST',
    headers: {
      Authorization: BASIC,
      'Content-Type': 'application/json',
      Accept: 'application/json',
      ...headers
    },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
}

/** Signs in through the token route and returns the access token. */
export async function signIn(emulator: RegardsEmulator, email: string): Promise<string> {
  const answer = await tokenRequest(emulator, {
    grant_type: 'password',
    username: email,
    password: passwordOf(email)
  })
  if (answer.status !== 200) throw new Error(`sign-in of ${email}: ${answer.status}`)
  return (json(answer) as { access_token: string }).access_token
}

export const bearer = (token: string): Record<string, string> => ({
  Authorization: `Bearer ${token}`
})

export function catalog(emulator: RegardsEmulator, path: string): string {
  return `${emulator.url}/api/v1/rs-catalog${path}`
}

export function postJson(
  url: string,
  value: unknown,
  options: SendOptions = {}
): Promise<Exchange> {
  return send(url, {
    ...options,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...options.headers },
    body: JSON.stringify(value)
  })
}
