// The step summary (on success and on failure), search pages read until all are, and the
// account's real download rate met with fewer downloads at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { setTimeout as sleep } from 'node:timers/promises'
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
let inFlight = 0
let mostAtOnce = 0

beforeAll(async () => {
  // Pages of two products, and every download's body held a moment, so that downloads overlap.
  regards = await startRegardsEmulator({
    maxPageSize: 2,
    beforeBody: async () => {
      inFlight++
      mostAtOnce = Math.max(mostAtOnce, inFlight)
      await sleep(300)
      inFlight--
    }
  })
})
afterAll(() => regards.close())
beforeEach(() => regards.reset())

describe('the step summary', () => {
  it('shows the products, each file with size, checksum verified, cache hit, attempts and waits', async () => {
    regards.script({ type: 'status', status: 503, match: 'download' })
    const run = await runRegards(regards, {
      ...account(USERS.exploit),
      products: `${PRODUCTS.online},${PRODUCTS.noProviderId}`,
      concurrency: '1'
    })
    expect(run.errors).toEqual([])
    const { summary } = run
    expect(summary).toContain('<h2>REGARDS download</h2>')
    expect(summary).toContain('DATA-06-20220613-2390')
    expect(summary).toContain('Solar wind 2022-06-13')
    expect(summary).toContain('Buoy measurements')
    expect(summary).toContain('64.1 KiB')
    expect(summary).toContain('yes (MD5)')
    expect(summary).toContain('size only (XXH64 unknown)')
    expect(summary).toContain('Cache hit')
    expect(summary).toContain('Time waiting between attempts')
    expect(summary).toMatch(
      /download of DATA-06-20220613-2390\/DATA-06-20220613-2390\.nc, attempt 1: failed with HTTP 503/
    )
    expectNoSecretLeak(run, regards, [PASSWORDS[USERS.exploit]])
  })

  it('is written on failure too, with what failed and what to do', async () => {
    const run = await runRegards(regards, {
      ...account(USERS.exploit),
      products: PRODUCTS.nearline
    })
    expect(run.code).toBe(1)
    singleError(run)
    expect(run.summary).toContain('REGARDS download failed')
    expect(run.summary).toContain('What failed:')
    expect(run.summary).toContain('What to do:')
    expect(run.summary).toContain('restore: true')
    expect(run.outputs.files).toBe('[]')
  })
})

describe('a search of several pages', () => {
  it('reads page after page until all are read', async () => {
    const run = await runRegards(regards, {
      ...account(USERS.exploit),
      query: 'providerId:DATA-*',
      'file-types': 'THUMBNAIL'
    })
    expect(run.errors).toEqual([])
    const pages = requestsOf(regards, 'search').map(request => request.query.page)
    expect(pages.length).toBeGreaterThan(2)
    expect(pages).toEqual(pages.map((_page, index) => String(index)))
    expect(
      filesOutput(run)
        .map(file => file.filename)
        .sort()
    ).toEqual(['external-thumbnail.png', 'thumbnail.png'])
  })
})

describe('concurrency', () => {
  it.each([1, 3])('downloads %s file(s) at once', async concurrency => {
    mostAtOnce = 0
    const run = await runRegards(regards, {
      ...account(USERS.exploit),
      products: `${PRODUCTS.online},${PRODUCTS.digests},${PRODUCTS.noProviderId}`,
      concurrency: String(concurrency),
      cache: 'false'
    })
    expect(run.errors).toEqual([])
    expect(filesOutput(run)).toHaveLength(5)
    expect(mostAtOnce).toBe(concurrency)
  })
})

describe('the download rate of the account', () => {
  it('is met with fewer downloads at once, and every file arrives', async () => {
    // One download at a time for this account; the step asks for two.
    const run = await runRegards(regards, {
      ...account(USERS.registered),
      products: `${PRODUCTS.online},${PRODUCTS.digests}`,
      concurrency: '2'
    })
    expect(run.errors).toEqual([])
    expect(filesOutput(run)).toHaveLength(3)
    const statuses = requestsOf(regards, 'download').map(request => request.status)
    expect(statuses).toContain(429)
    expect(statuses.filter(status => status === 200)).toHaveLength(3)
    expect(run.stdout).toContain('at most 1 at once')
  }, 40_000)
})
