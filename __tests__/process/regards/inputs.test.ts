// Bad input fails before any request, naming each bad input; secrets are masked before anything
// prints, and never appear in what the step writes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  DATASETS,
  PRODUCTS,
  startRegardsEmulator,
  type RegardsEmulator
} from '../../../emulator/regards/index.js'
import { runRegards, singleError, writtenWithoutMasks } from './fixture.js'

let regards: RegardsEmulator

beforeAll(async () => {
  regards = await startRegardsEmulator()
})
afterAll(() => regards.close())
beforeEach(() => regards.reset())

const PASSWORD = 'pa55-word-never-shown'

describe('bad inputs of the REGARDS action', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['username without password', { username: 'a@b.org', products: PRODUCTS.online }, ['password']],
    ['password without username', { password: PASSWORD, products: PRODUCTS.online }, ['username']],
    [
      'token with username and password',
      { token: 'abc.def.ghi', username: 'a@b.org', password: PASSWORD, products: PRODUCTS.online },
      ['token']
    ],
    ['both products and query', { products: PRODUCTS.online, query: 'providerId:X' }, ['query']],
    ['neither products nor query', {}, ['products']],
    ['dataset without query', { products: PRODUCTS.online, dataset: DATASETS.solar }, ['dataset']],
    ['a product that is no URN', { products: 'DATA-06' }, ['products']],
    [
      'restore-timeout-minutes not positive',
      { query: 'x', 'restore-timeout-minutes': '0' },
      ['restore-timeout-minutes']
    ],
    [
      'restore-timeout-minutes not a number',
      { query: 'x', 'restore-timeout-minutes': 'soon' },
      ['restore-timeout-minutes']
    ],
    ['a bad boolean', { query: 'x', restore: 'yes' }, ['restore']],
    ['file-types with all and more', { query: 'x', 'file-types': 'all,RAWDATA' }, ['file-types']],
    ['an unclosed brace in files', { query: 'x', files: '*.{nc' }, ['files']],
    ['max-files zero', { query: 'x', 'max-files': '0' }, ['max-files']],
    ['concurrency too high', { query: 'x', concurrency: '99' }, ['concurrency']],
    ['a client without a colon', { query: 'x', client: 'justanid' }, ['client']],
    [
      'several at once',
      { username: 'a@b.org', query: 'x', products: PRODUCTS.online, 'max-attempts': '0' },
      ['password', 'query', 'max-attempts']
    ]
  ])('%s', async (_name, inputs, names) => {
    const run = await runRegards(regards, inputs)
    expect(run.code).toBe(1)
    const error = singleError(run)
    expect(error).toContain("The step's inputs are not valid")
    for (const name of names) expect(error).toContain(`${name}:`)
    expect(regards.requests).toEqual([])
    expect(writtenWithoutMasks(run)).not.toContain(PASSWORD)
  })

  it('refuses a url that is not http or https, and an empty tenant', async () => {
    const run = await runRegards(regards, {
      url: 'ftp://regards.example.org',
      tenant: '',
      query: 'x'
    })
    expect(run.code).toBe(1)
    const error = singleError(run)
    expect(error).toContain('url:')
    expect(error).toContain('tenant:')
    expect(regards.requests).toEqual([])
  })

  it('masks the password, the token and a non-default client before anything prints', async () => {
    const client = 'my-client:client-secret-value'
    const run = await runRegards(regards, {
      token: 'a-token-value-123',
      username: 'a@b.org',
      password: PASSWORD,
      client,
      query: 'x'
    })
    expect(run.code).toBe(1)
    const lines = run.stdout.split(/\r?\n/)
    const firstOther = lines.findIndex(line => line !== '' && !line.startsWith('::add-mask::'))
    const masks = lines.slice(0, firstOther).map(line => line.slice('::add-mask::'.length))
    expect(masks).toEqual(expect.arrayContaining([PASSWORD, 'a-token-value-123', client]))
    const written = writtenWithoutMasks(run)
    for (const secret of [PASSWORD, 'a-token-value-123', 'client-secret-value']) {
      expect(written).not.toContain(secret)
    }
  })

  it('does not mask the default client', async () => {
    const run = await runRegards(regards, { query: 'x', restore: 'maybe' })
    expect(run.stdout).not.toContain('::add-mask::client:secret')
  })
})
