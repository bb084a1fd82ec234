// The rate limit as a client meets it over HTTP, with an injected clock.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  SEED,
  startEmulator,
  type CatalogEmulator,
  type RateLimitOptions
} from '../../emulator/index.js'
import { FULL_KEY, json, send } from './http-client.js'

const START = 1_700_000_000_000
let clock = START
let emulator: CatalogEmulator | undefined

async function limited(rateLimit: RateLimitOptions): Promise<CatalogEmulator> {
  clock = START
  emulator = await startEmulator({ rateLimit, now: () => clock })
  return emulator
}

afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

const downloadPath = `/api/key-catalog/v2-0/${SEED.appItemId}/versions/1.0.0.1/download`

async function statuses(target: CatalogEmulator, count: number, key = FULL_KEY) {
  const result: number[] = []
  for (let i = 0; i < count; i++) {
    result.push((await send(target.url + downloadPath, { headers: key })).status)
  }
  return result
}

describe('rate limit over HTTP', () => {
  it('grants the burst, then answers 429 with Retry-After seconds and a JSON message', async () => {
    const target = await limited({ burst: 3, refillSeconds: 10 })
    expect(await statuses(target, 3)).toEqual([200, 200, 200])
    clock += 4_000
    const rejected = await send(target.url + downloadPath, { headers: FULL_KEY })
    expect(rejected.status).toBe(429)
    expect(rejected.headers['retry-after']).toBe('6')
    expect(json(rejected)).toEqual({
      statusCode: 429,
      message: 'Rate limit is exceeded. Try again in 6 seconds.'
    })
    clock += 6_000
    expect(await statuses(target, 2)).toEqual([200, 429])
    expect(target.requests.map(r => r.status)).toEqual([200, 200, 200, 429, 200, 429])
  })

  it('can announce the wait as an HTTP-date', async () => {
    const target = await limited({ burst: 1, refillSeconds: 36, retryAfter: 'date' })
    await statuses(target, 1)
    const rejected = await send(target.url + downloadPath, { headers: FULL_KEY })
    expect(rejected.status).toBe(429)
    expect(rejected.headers['retry-after']).toBe(new Date(START + 36_000).toUTCString())
  })

  it('can reject with 503 and no Retry-After', async () => {
    const target = await limited({ burst: 1, refillSeconds: 36, status: 503, retryAfter: 'none' })
    await statuses(target, 1)
    const rejected = await send(target.url + downloadPath, { headers: FULL_KEY })
    expect(rejected.status).toBe(503)
    expect(rejected.headers['retry-after']).toBeUndefined()
    expect(json(rejected)).toEqual({
      statusCode: 503,
      message: 'Rate limit is exceeded. Try again in 36 seconds.'
    })
  })

  it('can leave the wait out of the message too, so nothing names it', async () => {
    const target = await limited({
      burst: 1,
      refillSeconds: 36,
      retryAfter: 'none',
      waitInBody: false
    })
    await statuses(target, 1)
    const rejected = await send(target.url + downloadPath, { headers: FULL_KEY })
    expect(rejected.status).toBe(429)
    expect(rejected.headers['retry-after']).toBeUndefined()
    expect(json(rejected)).toEqual({ statusCode: 429, message: 'Rate limit is exceeded.' })
  })

  it('spends a token on every request, failed ones and unknown paths included', async () => {
    const target = await limited({ burst: 3, refillSeconds: 36 })
    expect((await send(target.url + downloadPath)).status).toBe(401)
    expect((await send(`${target.url}/nowhere`, { headers: FULL_KEY })).status).toBe(404)
    expect(await statuses(target, 2)).toEqual([200, 429])
  })

  it('checks the limit before a scripted fault, which waits for the next admitted request', async () => {
    const target = await limited({ burst: 1, refillSeconds: 10 })
    await statuses(target, 1)
    target.script({ type: 'status', status: 500 })
    expect(await statuses(target, 1)).toEqual([429])
    clock += 10_000
    expect(await statuses(target, 2)).toEqual([500, 429])
  })

  it('refills the bucket on reset()', async () => {
    const target = await limited({ burst: 1, refillSeconds: 36 })
    expect(await statuses(target, 2)).toEqual([200, 429])
    target.reset()
    expect(await statuses(target, 1)).toEqual([200])
  })

  it('does not limit the second host', async () => {
    const target = await limited({ burst: 1, refillSeconds: 36 })
    await statuses(target, 2)
    const second = await send(`${target.secondUrl}/anything`)
    expect(second.status).toBe(404)
  })

  it('applies no limit when rateLimit is false', async () => {
    emulator = await startEmulator({ rateLimit: false })
    const all = await statuses(emulator, 5)
    expect(all).toEqual([200, 200, 200, 200, 200])
  })
})
