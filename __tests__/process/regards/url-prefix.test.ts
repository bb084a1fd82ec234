// A gateway under a path prefix, given with extra trailing slashes: every request goes under it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  PRODUCTS,
  startRegardsEmulator,
  USERS,
  type RegardsEmulator
} from '../../../emulator/regards/index.js'
import { account, filesOutput, runRegards } from './fixture.js'

let regards: RegardsEmulator

beforeAll(async () => {
  regards = await startRegardsEmulator({ pathPrefix: '/regards' })
})
afterAll(() => regards.close())

describe('a gateway under a path prefix', () => {
  it('keeps the prefix and ignores extra trailing slashes', async () => {
    const run = await runRegards(regards, {
      url: `${regards.url}//`,
      ...account(USERS.exploit),
      products: PRODUCTS.online
    })
    expect(run.errors).toEqual([])
    expect(filesOutput(run)).toHaveLength(1)
    expect(regards.requests.length).toBeGreaterThan(0)
    for (const request of regards.requests)
      expect(request.path.startsWith('/regards/api/v1/')).toBe(true)
  })
})
