// Signing in, tokens and public access: what is sent where, and what a refusal says.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  PRODUCTS,
  startRegardsEmulator,
  USERS,
  type RegardsEmulator
} from '../../../emulator/regards/index.js'
import {
  account,
  expectNoSecretLeak,
  filesOutput,
  PASSWORDS,
  requestsOf,
  runRegards,
  singleError
} from './fixture.js'

let regards: RegardsEmulator

beforeAll(async () => {
  regards = await startRegardsEmulator()
})
afterAll(() => regards.close())
beforeEach(() => regards.reset())

const notToken = (route: string) => route !== 'token'

describe('signing in to REGARDS', () => {
  it.each([
    [
      'a wrong password',
      { username: USERS.exploit, password: 'wrong-password' },
      'ACCOUNT_UNKNOWN'
    ],
    ['a locked account', account(USERS.locked), 'ACCOUNT_LOCKED']
  ])('fails before any search on %s, saying which', async (_name, inputs, state) => {
    const run = await runRegards(regards, { ...inputs, products: PRODUCTS.online })
    expect(run.code).toBe(1)
    const error = singleError(run)
    expect(error).toContain('REGARDS refused the sign-in of')
    expect(error).toContain(state)
    expect(regards.requests.map(request => request.route)).toEqual(['token'])
    expect(filesOutput(run)).toEqual([])
    expectNoSecretLeak(run, regards, [inputs.password])
  })

  it('fails naming client when the OAuth client is wrong (401), and masks it', async () => {
    const run = await runRegards(regards, {
      ...account(USERS.exploit),
      client: 'client:not-the-secret',
      products: PRODUCTS.online
    })
    expect(run.code).toBe(1)
    const error = singleError(run)
    expect(error).toContain('HTTP 401')
    expect(error).toContain('client')
    expect(error).not.toContain('not-the-secret')
    expect(regards.requests.map(request => request.route)).toEqual(['token'])
    expectNoSecretLeak(run, regards, [PASSWORDS[USERS.exploit], 'not-the-secret'])
  })

  it('signs in once more after a 401 on a data request, and repeats it', async () => {
    regards.script({ type: 'expire-token', match: 'download' })
    const run = await runRegards(regards, { ...account(USERS.exploit), products: PRODUCTS.online })
    expect(run.errors).toEqual([])
    expect(requestsOf(regards, 'token')).toHaveLength(2)
    expect(requestsOf(regards, 'download').map(request => request.status)).toEqual([401, 200])
    expectNoSecretLeak(run, regards, [PASSWORDS[USERS.exploit]])
  })

  it('signs in again before expires_in runs out', async () => {
    // A 2 s token, and a restore that takes longer than that.
    regards.settings.tokenLifetimeSeconds = 2
    regards.settings.restoreDelayMs = 3_000
    const run = await runRegards(
      regards,
      { ...account(USERS.exploit), products: PRODUCTS.nearline, restore: 'true' },
      { timeoutMs: 40_000 }
    )
    expect(run.errors).toEqual([])
    expect(requestsOf(regards, 'token').length).toBeGreaterThanOrEqual(2)
    // No data request was refused: the token was renewed in time.
    expect(regards.requests.filter(request => request.status === 401)).toEqual([])
    expectNoSecretLeak(run, regards, [PASSWORDS[USERS.exploit]])
  }, 45_000)

  it('uses a given token as Bearer, never signs in, and fails naming the token on a 401', async () => {
    const token = regards.issueToken(USERS.exploit)
    const ok = await runRegards(regards, { token, products: PRODUCTS.online })
    expect(ok.errors).toEqual([])
    expect(requestsOf(regards, 'token')).toEqual([])
    for (const request of regards.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${token}`)
    }
    expectNoSecretLeak(ok, regards, [token])

    regards.expireTokens()
    regards.requests.length = 0
    const refused = await runRegards(regards, { token, products: PRODUCTS.online })
    expect(refused.code).toBe(1)
    expect(singleError(refused)).toContain('REGARDS refused the token given in token (HTTP 401)')
    expect(requestsOf(regards, 'token')).toEqual([])
    expectNoSecretLeak(refused, regards, [token])
  })

  it('with public access, sends the tenant as scope and no authorization', async () => {
    const run = await runRegards(regards, { products: PRODUCTS.online, 'file-types': 'all' })
    expect(run.errors).toEqual([])
    expect(filesOutput(run)).toHaveLength(4)
    const data = regards.requests.filter(request => notToken(request.route))
    expect(data.length).toBeGreaterThan(0)
    for (const request of data) {
      expect(request.query.scope).toBe(regards.tenant)
      expect(request.headers.authorization).toBeUndefined()
      expect(request.user).toBe('public@regards.com')
    }
    expect(requestsOf(regards, 'token')).toEqual([])
  })

  it('sends the Bearer token only to url’s origin: not to a reference file’s host', async () => {
    const run = await runRegards(regards, {
      ...account(USERS.exploit),
      products: PRODUCTS.reference,
      'file-types': 'all'
    })
    expect(run.errors).toEqual([])
    const external = regards.requests.filter(request => request.host === 'second')
    expect(external).toHaveLength(1)
    expect(external[0].headers.authorization).toBeUndefined()
    expect(
      filesOutput(run)
        .map(file => file.filename)
        .sort()
    ).toEqual(['external-thumbnail.png', 'external.nc'])
    expectNoSecretLeak(run, regards, [PASSWORDS[USERS.exploit]])
  })

  it('follows a redirect to another origin without the token', async () => {
    regards.script({ type: 'redirect', match: 'download' })
    const run = await runRegards(regards, { ...account(USERS.exploit), products: PRODUCTS.online })
    expect(run.errors).toEqual([])
    expect(filesOutput(run)).toHaveLength(1)
    const second = regards.requests.filter(request => request.host === 'second')
    expect(second.length).toBeGreaterThan(0)
    for (const request of second) expect(request.headers.authorization).toBeUndefined()
    expectNoSecretLeak(run, regards, [PASSWORDS[USERS.exploit]])
  })
})
