import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  PRODUCTS,
  USERS,
  startRegardsEmulator,
  type RegardsEmulator
} from '../../../emulator/regards/index.js'
import { json, send } from '../http-client.js'
import { bearer, catalog, passwordOf, signIn, tokenRequest } from './client.js'

let emulator: RegardsEmulator
let clock = 1_000_000

beforeAll(async () => {
  emulator = await startRegardsEmulator({ now: () => clock })
})

afterAll(() => emulator.close())

beforeEach(() => {
  emulator.reset()
  clock = 1_000_000
})

const credentials = (email: string) => ({
  grant_type: 'password',
  username: email,
  password: passwordOf(email)
})

const entityUrl = () => catalog(emulator, `/engines/legacy/dataobjects/${PRODUCTS.online}`)

describe('token route', () => {
  it('signs in with Basic client auth, a JSON body and the tenant in the query', async () => {
    const answer = await tokenRequest(emulator, credentials(USERS.exploit))
    expect(answer.status).toBe(200)
    expect(answer.headers['cache-control']).toBe('no-store')
    expect(answer.headers.pragma).toBe('no-cache')
    expect(json(answer)).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'bearer',
      expires_in: 7200,
      scope: 'demo',
      tenant: 'demo',
      role: 'EXPLOIT',
      sub: USERS.exploit,
      email: USERS.exploit
    })
    const token = (json(answer) as { access_token: string }).access_token
    const entity = await send(entityUrl(), { headers: bearer(token) })
    expect(entity.status).toBe(200)
    expect(emulator.requests.at(-1)).toMatchObject({ route: 'entity', user: USERS.exploit })
  })

  it('answers the configured lifetime in expires_in', async () => {
    emulator.settings.tokenLifetimeSeconds = 30
    const answer = await tokenRequest(emulator, credentials(USERS.exploit))
    expect((json(answer) as { expires_in: number }).expires_in).toBe(30)
  })

  it('refuses a tenant given only in the body: 401 from the public filter', async () => {
    const answer = await tokenRequest(
      emulator,
      { ...credentials(USERS.exploit), scope: 'demo' },
      { query: '' }
    )
    expect(answer.status).toBe(401)
    expect(json(answer)).toEqual({
      messages: ["[REGARDS PUBLIC FILTER] Missing 'scope' header or param"]
    })
  })

  it('takes the tenant from a scope header too', async () => {
    const answer = await tokenRequest(emulator, credentials(USERS.exploit), {
      query: '',
      headers: { scope: 'demo' }
    })
    expect(answer.status).toBe(200)
  })

  it.each([
    ['no Authorization', {}, 'Authentication required'],
    ['a Bearer header', { Authorization: 'Bearer x' }, 'Basic Authorization required'],
    [
      'a wrong client',
      { Authorization: `Basic ${Buffer.from('client:wrong').toString('base64')}` },
      'Invalid Basic Authorization token'
    ]
  ])('answers 401 for %s', async (_, headers, message) => {
    const answer = await send(`${emulator.url}/api/v1/rs-authentication/oauth/token?scope=demo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(credentials(USERS.exploit))
    })
    expect(answer.status).toBe(401)
    expect(json(answer)).toEqual({ messages: [message] })
  })

  it('wants the configured client when one is given', async () => {
    const other = await startRegardsEmulator({ client: 'ci:s3cret' })
    try {
      expect((await tokenRequest(other, credentials(USERS.exploit))).status).toBe(401)
      const answer = await tokenRequest(other, credentials(USERS.exploit), {
        headers: { Authorization: `Basic ${Buffer.from('ci:s3cret').toString('base64')}` }
      })
      expect(answer.status).toBe(200)
    } finally {
      await other.close()
    }
  })

  it('answers 400 ACCOUNT_UNKNOWN for a wrong password or an unknown user', async () => {
    for (const body of [
      { ...credentials(USERS.exploit), password: 'wrong' },
      { ...credentials(USERS.exploit), username: 'nobody@example.org' }
    ]) {
      const answer = await tokenRequest(emulator, body)
      expect(answer.status).toBe(400)
      expect(json(answer)).toMatchObject({
        additionalInformation: { error: 'ACCOUNT_UNKNOWN' },
        detailMessage: expect.stringContaining('Access denied for user')
      })
    }
  })

  it('answers 400 with the refused account state', async () => {
    const answer = await tokenRequest(emulator, credentials(USERS.locked))
    expect(answer.status).toBe(400)
    expect(json(answer)).toMatchObject({ additionalInformation: { error: 'ACCOUNT_LOCKED' } })
  })

  it('refuses another grant type, and an empty password', async () => {
    const refresh = await tokenRequest(emulator, { ...credentials(USERS.exploit), grant_type: 'x' })
    expect(refresh.status).toBe(400)
    const empty = await tokenRequest(emulator, { ...credentials(USERS.exploit), password: '' })
    expect(empty.status).toBe(401)
  })

  it('lets the body win over deprecated query parameters', async () => {
    const answer = await tokenRequest(emulator, credentials(USERS.exploit), {
      query: `?scope=demo&username=${encodeURIComponent(USERS.admin)}&password=wrong`
    })
    expect(answer.status).toBe(200)
    expect(json(answer)).toMatchObject({ email: USERS.exploit })
  })

  it('accepts a form body, unless strict (then 415)', async () => {
    const form = new URLSearchParams(credentials(USERS.exploit)).toString()
    const formHeaders = { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }
    expect((await tokenRequest(emulator, form, formHeaders)).status).toBe(200)
    emulator.settings.strictTokenBody = true
    expect((await tokenRequest(emulator, form, formHeaders)).status).toBe(415)
  })

  it('answers 515 on the token route while the tenant is in maintenance', async () => {
    emulator.settings.maintenance = true
    const answer = await tokenRequest(emulator, credentials(USERS.exploit))
    expect(answer.status).toBe(515)
    expect(answer.body.toString()).toBe('Tenant demo in maintenance!')
    // GET requests still pass.
    expect((await send(`${entityUrl()}?scope=demo`)).status).toBe(200)
  })
})

describe('authentication of data requests', () => {
  it('lets public access through with the tenant as scope, as public@regards.com', async () => {
    const answer = await send(`${entityUrl()}?scope=demo`)
    expect(answer.status).toBe(200)
    expect(emulator.requests[0].user).toBe('public@regards.com')
    const viaHeader = await send(entityUrl(), { headers: { scope: 'demo' } })
    expect(viaHeader.status).toBe(200)
  })

  it('answers 401 with neither token nor scope', async () => {
    const answer = await send(entityUrl())
    expect(answer.status).toBe(401)
    expect(json(answer)).toEqual({
      messages: ["[REGARDS PUBLIC FILTER] Missing 'scope' header or param"]
    })
  })

  it('expires tokens after expires_in: 401, empty, with a Basic challenge', async () => {
    emulator.settings.tokenLifetimeSeconds = 60
    const token = await signIn(emulator, USERS.exploit)
    clock += 59_000
    expect((await send(entityUrl(), { headers: bearer(token) })).status).toBe(200)
    clock += 1_000
    const expired = await send(entityUrl(), { headers: bearer(token) })
    expect(expired.status).toBe(401)
    expect(expired.body.length).toBe(0)
    expect(expired.headers['www-authenticate']).toBe('Basic realm="Realm"')
    // Signing in again gives a fresh token.
    const fresh = await signIn(emulator, USERS.exploit)
    expect((await send(entityUrl(), { headers: bearer(fresh) })).status).toBe(200)
  })

  it('answers 401 for a token it never issued, and after expireTokens()', async () => {
    expect((await send(entityUrl(), { headers: bearer('a.b.c') })).status).toBe(401)
    const token = emulator.issueToken(USERS.exploit)
    expect((await send(entityUrl(), { headers: bearer(token) })).status).toBe(200)
    emulator.expireTokens()
    expect((await send(entityUrl(), { headers: bearer(token) })).status).toBe(401)
  })

  it('takes ?token= like a Bearer header, but not a lower-case bearer', async () => {
    const token = emulator.issueToken(USERS.exploit)
    expect((await send(`${entityUrl()}?token=${token}`)).status).toBe(200)
    const lower = await send(entityUrl(), { headers: { Authorization: `bearer ${token}` } })
    expect(lower.status).toBe(401)
  })
})
