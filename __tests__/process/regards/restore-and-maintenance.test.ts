// Restore in batches of at most 100 products, a second 401 that fails, and a project in
// maintenance during the sign-in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  catalogFile,
  PRODUCTS,
  SEED_PRODUCTS,
  startRegardsEmulator,
  USERS,
  type ProductSeed,
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

const MANY = 130
const many: ProductSeed[] = Array.from({ length: MANY }, (_, index) => ({
  id: `URN:FEATURE:DATA:demo:00000000-0000-4000-9000-${String(index).padStart(12, '0')}:V1`,
  providerId: `NEAR-${index}`,
  label: `Nearline ${index}`,
  groups: ['public', 'science'],
  files: [
    catalogFile({
      dataType: 'RAWDATA',
      filename: `near-${index}.dat`,
      content: { seed: 1000 + index, size: 64 },
      online: false
    })
  ]
}))

let regards: RegardsEmulator

beforeAll(async () => {
  regards = await startRegardsEmulator({ products: [...SEED_PRODUCTS, ...many] })
})
afterAll(() => regards.close())
beforeEach(() => regards.reset())

describe('restore of many products', () => {
  it('asks availability and restore with at most 100 products a request', async () => {
    const run = await runRegards(
      regards,
      {
        ...account(USERS.exploit),
        query: 'providerId:NEAR-*',
        restore: 'true',
        'max-files': '200',
        concurrency: '4',
        cache: 'false'
      },
      { timeoutMs: 60_000 }
    )
    expect(run.errors).toEqual([])
    expect(filesOutput(run)).toHaveLength(MANY)
    for (const route of ['availability', 'restore']) {
      const sizes = requestsOf(regards, route).map(
        request => (JSON.parse(request.body) as { product_ids: string[] }).product_ids.length
      )
      expect(Math.max(...sizes)).toBeLessThanOrEqual(100)
      expect(sizes.slice(0, 2)).toEqual([100, MANY - 100])
    }
    expect(requestsOf(regards, 'download').every(request => request.status === 200)).toBe(true)
  }, 70_000)
})

describe('authentication that keeps failing', () => {
  it('a second 401 after signing in again fails', async () => {
    regards.script({ type: 'expire-token', match: 'download' })
    regards.script({ type: 'expire-token', match: 'download' })
    const run = await runRegards(regards, { ...account(USERS.exploit), products: PRODUCTS.online })
    expect(run.code).toBe(1)
    expect(singleError(run)).toContain('again just after the action signed in once more')
    expect(requestsOf(regards, 'token')).toHaveLength(2)
    expect(requestsOf(regards, 'download').map(request => request.status)).toEqual([401, 401])
    expectNoSecretLeak(run, regards, [PASSWORDS[USERS.exploit]])
  })

  it('a project in maintenance (515 on the sign-in) is repeated, then fails saying so', async () => {
    regards.settings.maintenance = true
    const run = await runRegards(regards, {
      ...account(USERS.exploit),
      products: PRODUCTS.online,
      'max-attempts': '2'
    })
    expect(run.code).toBe(1)
    expect(singleError(run)).toContain('in maintenance (HTTP 515)')
    expect(requestsOf(regards, 'token').map(request => request.status)).toEqual([515, 515])
    expect(requestsOf(regards, 'entity')).toEqual([])
  })
})
