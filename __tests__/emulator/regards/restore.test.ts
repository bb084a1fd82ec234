import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  PRODUCTS,
  RESTORED_FOR_MS,
  SEED_PRODUCTS,
  USERS,
  startRegardsEmulator,
  type RegardsEmulator
} from '../../../emulator/regards/index.js'
import { delay, json, send } from '../http-client.js'
import { bearer, catalog, postJson } from './client.js'

let emulator: RegardsEmulator
let clock = 5_000_000

beforeAll(async () => {
  emulator = await startRegardsEmulator({ now: () => clock })
})

afterAll(() => emulator.close())

beforeEach(() => {
  emulator.reset()
  clock = 5_000_000
})

const nearline = SEED_PRODUCTS.find(product => product.id === PRODUCTS.nearline)
const NEARLINE_RAW = nearline?.files[0]
const NEARLINE_ISO = nearline?.files[1]
const ONLINE_FILES = SEED_PRODUCTS.find(product => product.id === PRODUCTS.online)?.files ?? []

const as = (email: string) => ({ headers: bearer(emulator.issueToken(email)) })
const availability = (ids: string[], email = USERS.exploit) =>
  postJson(catalog(emulator, '/availability/files'), { product_ids: ids }, as(email))
const restore = (ids: string[], email = USERS.exploit) =>
  postJson(catalog(emulator, '/restore'), { product_ids: ids }, as(email))
const download = (email = USERS.exploit) =>
  send(
    catalog(emulator, `/downloads/${PRODUCTS.nearline}/files/${NEARLINE_RAW?.checksum}`),
    as(email)
  )

describe('availability', () => {
  it('lists each file: online ones available, a nearline one not', async () => {
    const answer = await availability([PRODUCTS.online, PRODUCTS.nearline])
    expect(answer.status).toBe(200)
    expect(json(answer)).toEqual({
      products: [
        {
          id: PRODUCTS.online,
          files: ONLINE_FILES.map(file => ({ checksum: file.checksum, available: true }))
        },
        {
          id: PRODUCTS.nearline,
          files: [
            { checksum: NEARLINE_RAW?.checksum, available: false },
            { checksum: NEARLINE_ISO?.checksum, available: true }
          ]
        }
      ]
    })
  })

  it('leaves out unknown and hidden products', async () => {
    const answer = await availability(['URN:FEATURE:DATA:demo:nope:V1', PRODUCTS.restricted])
    expect(json(answer)).toEqual({ products: [] })
  })

  it('answers the single-product GET form, 404 for an unknown one', async () => {
    const one = await send(
      catalog(emulator, `/availability/files/${PRODUCTS.nearline}`),
      as(USERS.exploit)
    )
    expect(json(one)).toMatchObject({ id: PRODUCTS.nearline, files: expect.any(Array) })
    const unknown = await send(catalog(emulator, '/availability/files/URN:x'), as(USERS.exploit))
    expect(unknown.status).toBe(404)
    expect(json(unknown)).toEqual({ messages: [expect.stringContaining('cannot be found')] })
  })

  it('needs the EXPLOIT role: 403 for a registered user and for public access', async () => {
    expect((await availability([PRODUCTS.nearline], USERS.registered)).status).toBe(403)
    expect((await restore([PRODUCTS.nearline], USERS.registered)).status).toBe(403)
    const publicAnswer = await postJson(`${catalog(emulator, '/restore')}?scope=demo`, {
      product_ids: [PRODUCTS.nearline]
    })
    expect(publicAnswer.status).toBe(403)
    expect(emulator.restoreRequests()).toEqual([])
    emulator.settings.restoreRole = 'REGISTERED_USER'
    expect((await availability([PRODUCTS.nearline], USERS.registered)).status).toBe(200)
  })

  it('refuses more than 100 products and a body without product_ids with 400', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `URN:FEATURE:DATA:demo:${i}:V1`)
    expect((await availability(many)).status).toBe(400)
    expect((await restore(many)).status).toBe(400)
    expect((await availability(many.slice(0, 100))).status).toBe(200)
    const noIds = await postJson(catalog(emulator, '/restore'), { ids: [] }, as(USERS.exploit))
    expect(noIds.status).toBe(400)
  })

  it('answers 515 on availability and restore in maintenance, not on GET', async () => {
    emulator.settings.maintenance = true
    expect((await availability([PRODUCTS.nearline])).status).toBe(515)
    expect((await restore([PRODUCTS.nearline])).status).toBe(515)
    expect(
      (await send(catalog(emulator, `/availability/files/${PRODUCTS.nearline}`), as(USERS.exploit)))
        .status
    ).toBe(200)
  })
})

describe('restore', () => {
  it('completes after the chosen delay, then the file downloads until it expires', async () => {
    emulator.settings.restoreDelayMs = 60_000
    expect((await download()).status).toBe(410)
    const asked = await restore([PRODUCTS.nearline])
    expect([asked.status, asked.body.length]).toEqual([200, 0])
    // Only the nearline file is asked for.
    expect(emulator.restoreRequests()).toEqual([NEARLINE_RAW?.checksum])

    clock += 59_999
    expect(json(await availability([PRODUCTS.nearline]))).toMatchObject({
      products: [{ files: [{ available: false }, { available: true }] }]
    })
    expect((await download()).status).toBe(410)

    clock += 1
    const readyAt = clock
    expect(json(await availability([PRODUCTS.nearline]))).toMatchObject({
      products: [
        {
          files: [
            {
              checksum: NEARLINE_RAW?.checksum,
              available: true,
              expiration_date: new Date(readyAt + RESTORED_FOR_MS).toISOString()
            },
            { available: true }
          ]
        }
      ]
    })
    expect((await download()).status).toBe(200)

    clock = readyAt + RESTORED_FOR_MS
    expect((await download()).status).toBe(410)
    // Restored once more, it comes back.
    await restore([PRODUCTS.nearline])
    clock += 60_000
    expect((await download()).status).toBe(200)
  })

  it('keeps a restore under way when asked again', async () => {
    emulator.settings.restoreDelayMs = 10_000
    await restore([PRODUCTS.nearline])
    clock += 6_000
    await send(catalog(emulator, `/restore/${PRODUCTS.nearline}`), as(USERS.exploit))
    clock += 4_000
    expect((await download()).status).toBe(200)
  })

  it('completes with real time too, when no clock is injected', async () => {
    const real = await startRegardsEmulator({ restoreDelayMs: 150 })
    try {
      const headers = bearer(real.issueToken(USERS.exploit))
      const url = `${real.url}/api/v1/rs-catalog/downloads/${PRODUCTS.nearline}/files/${NEARLINE_RAW?.checksum}`
      await postJson(
        `${real.url}/api/v1/rs-catalog/restore`,
        { product_ids: [PRODUCTS.nearline] },
        { headers }
      )
      expect((await send(url, { headers })).status).toBe(410)
      await delay(200)
      expect((await send(url, { headers })).status).toBe(200)
    } finally {
      await real.close()
    }
  })
})
