import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import {
  PRODUCTS,
  SEED_PRODUCTS,
  USERS,
  contentBytes,
  startRegardsEmulator,
  type RegardsEmulator
} from '../../../emulator/regards/index.js'
import { delay, json, send, start, within } from '../http-client.js'
import { bearer, catalog, signIn } from './client.js'

let emulator: RegardsEmulator

beforeAll(async () => {
  emulator = await startRegardsEmulator()
})

afterAll(() => emulator.close())

beforeEach(() => emulator.reset())

const online = SEED_PRODUCTS.find(product => product.id === PRODUCTS.online)
const RAW = online?.files[0]
const RAW_BYTES = RAW ? contentBytes(RAW.content) : Buffer.alloc(0)
const LARGE = SEED_PRODUCTS.find(product => product.id === PRODUCTS.large)?.files[0]
const REFERENCE = SEED_PRODUCTS.find(product => product.id === PRODUCTS.reference)?.files[0]

const rawUrl = () => catalog(emulator, `/downloads/${PRODUCTS.online}/files/${RAW?.checksum}`)
const as = (email = USERS.exploit) => ({ headers: bearer(emulator.issueToken(email)) })
const download = () => send(rawUrl(), as())

describe('status faults', () => {
  it.each([500, 502, 503, 504, 202])('answers %i once, then the file', async status => {
    emulator.script({ type: 'status', status })
    const faulted = await download()
    expect(faulted.status).toBe(status)
    const next = await download()
    expect(next.status).toBe(200)
    expect(next.body.equals(RAW_BYTES)).toBe(true)
    expect(emulator.requests.map(r => r.status)).toEqual([status, 200])
  })

  it('answers 515 with the maintenance text', async () => {
    emulator.script({ type: 'status', status: 515, match: 'download' })
    const answer = await download()
    expect([answer.status, answer.body.toString()]).toEqual([515, 'Tenant demo in maintenance!'])
  })

  it('waits for a request of the route it names', async () => {
    emulator.script({ type: 'status', status: 503, match: 'search' })
    expect((await download()).status).toBe(200)
    const search = await send(catalog(emulator, '/engines/legacy/dataobjects/search?scope=demo'))
    expect(search.status).toBe(503)
  })

  it('html-page: a 200 "Request Rejected" page instead of the file', async () => {
    emulator.script({ type: 'html-page' })
    const answer = await download()
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('text/html')
    expect(answer.body.toString()).toMatch(/^<html><head><title>Request Rejected<\/title>/)
    expect(answer.body.length).toBeLessThan(RAW_BYTES.length)
  })

  it('html-page with another status', async () => {
    emulator.script({ type: 'html-page', status: 403 })
    expect((await download()).status).toBe(403)
  })
})

describe('body faults', () => {
  it('truncate: fewer bytes, with a matching Content-Length', async () => {
    emulator.script({ type: 'truncate', bytes: 1000 })
    const answer = await download()
    expect(answer).toMatchObject({ status: 200, complete: true })
    expect(answer.headers['content-length']).toBe('1000')
    expect(answer.body.equals(RAW_BYTES.subarray(0, 1000))).toBe(true)
  })

  it('wrong-bytes: the full length, one byte changed, so the digest differs', async () => {
    emulator.script({ type: 'wrong-bytes', offset: 70_000 - 5_000 })
    const answer = await download()
    expect(answer).toMatchObject({ status: 200, complete: true })
    expect(answer.body.length).toBe(RAW_BYTES.length)
    const differing = [...answer.body].flatMap((byte, i) => (byte === RAW_BYTES[i] ? [] : [i]))
    expect(differing).toEqual([65_000])
    expect(createHash('md5').update(answer.body).digest('hex')).not.toBe(
      RAW?.checksum.toLowerCase()
    )
  })

  it('reset-mid-body: the full Content-Length, part of the body, then a reset', async () => {
    emulator.script({ type: 'reset-mid-body', afterBytes: 70_000 - 10_000 })
    const answer = await download()
    expect(answer.status).toBe(200)
    expect(answer.headers['content-length']).toBe(String(RAW_BYTES.length))
    expect(answer.body.equals(RAW_BYTES.subarray(0, 60_000))).toBe(true)
    expect(answer.complete).toBe(false)
    expect(answer.error).toBeDefined()
  })

  it('short-body: half the body, then a clean end', async () => {
    emulator.script({ type: 'short-body' })
    const answer = await download()
    expect(answer.body.length).toBe(Math.floor(RAW_BYTES.length / 2))
    expect(answer.complete).toBe(false)
  })

  it('encode: gzip whatever the client asked for, with no Content-Length', async () => {
    emulator.script({ type: 'encode', encoding: 'gzip' })
    const answer = await send(rawUrl(), {
      headers: { ...as().headers, 'Accept-Encoding': 'identity' }
    })
    expect(answer.headers['content-encoding']).toBe('gzip')
    expect(answer.headers['content-length']).toBeUndefined()
    expect(gunzipSync(answer.body).equals(RAW_BYTES)).toBe(true)
  })

  it('honours Accept-Encoding: gzip only when told to, and never for identity', async () => {
    const gzipHeaders = { headers: { ...as().headers, 'Accept-Encoding': 'gzip, br' } }
    expect((await send(rawUrl(), gzipHeaders)).headers['content-encoding']).toBeUndefined()
    emulator.settings.honourAcceptEncoding = true
    const gzipped = await send(rawUrl(), gzipHeaders)
    expect(gzipped.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gzipped.body).equals(RAW_BYTES)).toBe(true)
    for (const accept of ['identity', 'gzip;q=0', 'br']) {
      const plain = await send(rawUrl(), {
        headers: { ...as().headers, 'Accept-Encoding': accept }
      })
      expect([accept, plain.headers['content-encoding']]).toEqual([accept, undefined])
      expect(plain.body.equals(RAW_BYTES)).toBe(true)
    }
  })

  it('encode streams a large file too', async () => {
    emulator.script({ type: 'encode', encoding: 'gzip' })
    const url = catalog(emulator, `/downloads/${PRODUCTS.large}/files/${LARGE?.checksum}`)
    const answer = await send(url, as())
    const decoded = gunzipSync(answer.body)
    expect(createHash('sha256').update(decoded).digest('hex')).toBe(LARGE?.checksum)
  })

  it('filename: another name in Content-Disposition than the catalog gives', async () => {
    emulator.script({ type: 'filename', value: 'other.nc' })
    const answer = await download()
    expect(answer.headers['content-disposition']).toBe('attachment; filename="other.nc"')
  })

  it('spends quota on a broken transfer as on a whole one', async () => {
    emulator.script({ type: 'reset-mid-body' })
    await download()
    expect(emulator.account(USERS.exploit).currentQuota).toBe(1)
    expect(emulator.account(USERS.exploit).currentRate).toBe(0)
  })
})

describe('stalls', () => {
  let stalling: RegardsEmulator

  beforeEach(async () => {
    stalling = await startRegardsEmulator()
  })

  afterEach(() => stalling.close())

  const stalledUrl = () =>
    `${stalling.url}/api/v1/rs-catalog/downloads/${PRODUCTS.online}/files/${RAW?.checksum}`

  it('stall: headers and the first bytes, then nothing; it holds a place in the rate', async () => {
    stalling.script({ type: 'stall', afterBytes: 100 })
    const headers = bearer(stalling.issueToken(USERS.registered))
    const inFlight = start(stalledUrl(), { headers })
    await delay(300)
    expect(inFlight.snapshot()).toMatchObject({ status: 200, complete: false })
    expect(inFlight.snapshot().body.length).toBe(100)
    expect(stalling.account(USERS.registered).currentRate).toBe(1)
    expect((await send(stalledUrl(), { headers })).status).toBe(429)

    await within(1_000, stalling.close())
    expect((await within(1_000, inFlight.finished)).error).toBeDefined()
    expect(stalling.account(USERS.registered).currentRate).toBe(0)
  })

  it('stall-headers: never answers; recorded with status 0', async () => {
    stalling.script({ type: 'stall-headers', match: 'token' })
    const inFlight = start(`${stalling.url}/api/v1/rs-authentication/oauth/token?scope=demo`, {
      method: 'POST'
    })
    await delay(200)
    expect(inFlight.snapshot().status).toBe(0)
    expect(stalling.requests).toMatchObject([{ route: 'token', status: 0 }])
    await within(1_000, stalling.close())
    expect((await within(1_000, inFlight.finished)).status).toBe(0)
  })
})

describe('expire-token', () => {
  it('expires the token the request carries: 401 now and after, until a new sign-in', async () => {
    const token = await signIn(emulator, USERS.exploit)
    emulator.script({ type: 'expire-token', match: 'download' })
    const expired = await send(rawUrl(), { headers: bearer(token) })
    expect(expired.status).toBe(401)
    expect(expired.headers['www-authenticate']).toBe('Basic realm="Realm"')
    expect((await send(rawUrl(), { headers: bearer(token) })).status).toBe(401)
    const fresh = await signIn(emulator, USERS.exploit)
    expect((await send(rawUrl(), { headers: bearer(fresh) })).status).toBe(200)
  })
})

describe('redirects', () => {
  it('redirects to the second host, which serves the same bytes and records what it got', async () => {
    emulator.script({ type: 'redirect' })
    const redirect = await download()
    expect(redirect.status).toBe(302)
    const location = redirect.headers.location as string
    expect(location.startsWith(`${emulator.secondUrl}/api/v1/rs-catalog/downloads/`)).toBe(true)
    const followed = await send(location)
    expect(followed.status).toBe(200)
    expect(followed.body.equals(RAW_BYTES)).toBe(true)
    expect(emulator.requests.map(r => [r.host, r.route, r.status])).toEqual([
      ['main', 'download', 302],
      ['second', 'reference', 200]
    ])
    expect(emulator.requests[1].headers.authorization).toBeUndefined()
    // The redirected download was counted once, and is not under way any more.
    expect(emulator.account(USERS.exploit)).toMatchObject({ currentQuota: 1, currentRate: 0 })
  })

  it('shows a leaked Authorization header in the second host’s record', async () => {
    emulator.script({ type: 'redirect', status: 307 })
    const redirect = await download()
    await send(redirect.headers.location as string, { headers: bearer('leaked') })
    expect(emulator.requests[1].headers.authorization).toBe('Bearer leaked')
  })

  it('redirects to any URL it is given', async () => {
    emulator.script({ type: 'redirect', to: 'https://storage.example.org/signed?x=1' })
    const redirect = await download()
    expect(redirect.headers.location).toBe('https://storage.example.org/signed?x=1')
  })

  it('does not redirect a refused download', async () => {
    emulator.script({ type: 'redirect' })
    const refused = await send(rawUrl())
    expect(refused.status).toBe(401)
  })
})

describe('faults on the second host', () => {
  it('breaks a reference download, then serves it', async () => {
    const url = `${emulator.secondUrl}/reference/${REFERENCE?.checksum}/external.nc`
    emulator.script({ type: 'status', status: 503, match: 'reference' })
    emulator.script({ type: 'html-page', match: 'reference' })
    emulator.script({ type: 'truncate', bytes: 10, match: 'reference' })
    expect((await send(url)).status).toBe(503)
    expect((await send(url)).body.toString()).toContain('Request Rejected')
    expect((await send(url)).body.length).toBe(10)
    const whole = await send(url)
    expect(whole.body.equals(REFERENCE ? contentBytes(REFERENCE.content) : Buffer.alloc(0))).toBe(
      true
    )
  })
})

describe('faults on JSON routes', () => {
  it('cuts a search page short', async () => {
    emulator.script({ type: 'reset-mid-body', afterBytes: 10, match: 'search' })
    const answer = await send(catalog(emulator, '/engines/legacy/dataobjects/search?scope=demo'))
    expect(answer.body.length).toBe(10)
    expect(answer.complete).toBe(false)
    const next = await send(catalog(emulator, '/engines/legacy/dataobjects/search?scope=demo'))
    expect(json(next)).toMatchObject({ metadata: { number: 0 } })
  })
})
