// Each status of a download, with its one message and what the action does about it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  DEMO_LICENSE_LINK,
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
  singleError,
  workspaceFiles
} from './fixture.js'

let regards: RegardsEmulator

beforeAll(async () => {
  regards = await startRegardsEmulator({ licenseLink: DEMO_LICENSE_LINK })
})
afterAll(() => regards.close())
beforeEach(() => regards.reset())

const exploit = account(USERS.exploit)
const downloads = () => requestsOf(regards, 'download')

/** The step failed with one error holding every fragment, kept nothing, and leaked nothing. */
function expectFailed(run: Awaited<ReturnType<typeof runRegards>>, fragments: string[]): void {
  expect(run.code).toBe(1)
  const error = singleError(run)
  for (const fragment of fragments) expect(error).toContain(fragment)
  expect(filesOutput(run)).toEqual([])
  expect(run.outputs.count).toBe('0')
  expect(workspaceFiles(run).filter(name => !name.endsWith('/'))).toEqual([])
  expectNoSecretLeak(run, regards, Object.values(PASSWORDS))
}

describe('statuses of a download', () => {
  it.each([
    [403, 'has no access to this file'],
    [404, 'REGARDS knows no such product or file']
  ])('%s: fails without retry', async (status, message) => {
    regards.script({ type: 'status', status, match: 'download' })
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.online })
    expectFailed(run, [message, `HTTP ${status}`])
    expect(downloads()).toHaveLength(1)
  })

  it('410 without restore: fails saying the file is nearline and naming restore', async () => {
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.nearline })
    expectFailed(run, ['is nearline and not available now (HTTP 410)', 'restore: true'])
    expect(requestsOf(regards, 'restore')).toEqual([])
    expect(downloads()).toHaveLength(1)
  })

  it('410 with restore: asks availability and restore, polls, then downloads', async () => {
    regards.settings.restoreDelayMs = 2_000
    const run = await runRegards(regards, {
      ...exploit,
      products: PRODUCTS.nearline,
      restore: 'true'
    })
    expect(run.errors).toEqual([])
    expect(filesOutput(run)).toHaveLength(1)
    const availability = requestsOf(regards, 'availability')
    expect(availability.length).toBeGreaterThanOrEqual(2)
    expect(JSON.parse(availability[0].body)).toEqual({ product_ids: [PRODUCTS.nearline] })
    expect(requestsOf(regards, 'restore')).toHaveLength(1)
    // The download came only once the file was available: a single request.
    expect(downloads().map(request => request.status)).toEqual([200])
    expect(run.summary).toContain('Restore waits')
  })

  it('names the files still unavailable when restore-timeout-minutes is spent', async () => {
    regards.settings.restoreDelayMs = 60_000
    const run = await runRegards(
      regards,
      {
        ...exploit,
        products: PRODUCTS.nearline,
        restore: 'true',
        'restore-timeout-minutes': '0.15'
      },
      { timeoutMs: 30_000 }
    )
    expectFailed(run, ['DATA-06-20220614-0001/DATA-06-20220614-0001.nc', 'restore-timeout-minutes'])
    expect(downloads()).toEqual([])
  }, 35_000)

  it('without the role for restore (403), tries the download and says the account lacks it', async () => {
    const run = await runRegards(regards, {
      ...account(USERS.registered),
      products: PRODUCTS.nearline,
      restore: 'true'
    })
    expectFailed(run, ['HTTP 410', 'lacks the role for availability and restore'])
    expect(requestsOf(regards, 'availability').map(request => request.status)).toEqual([403])
    expect(downloads()).toHaveLength(1)
  })

  it('423 without accept-license: shows the licence link and names accept-license', async () => {
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.licensed })
    expectFailed(run, [DEMO_LICENSE_LINK, 'accept-license'])
    expect(downloads().map(request => request.query.acceptLicense)).toEqual([undefined])
  })

  it('423 with accept-license: repeats once with acceptLicense=true', async () => {
    const run = await runRegards(regards, {
      ...exploit,
      products: PRODUCTS.licensed,
      'accept-license': 'true'
    })
    expect(run.errors).toEqual([])
    expect(downloads().map(request => [request.status, request.query.acceptLicense])).toEqual([
      [423, undefined],
      [200, 'true']
    ])
    expect(regards.account(USERS.exploit).licenseAccepted).toBe(true)
  })

  it('423 with public access: says public access cannot accept a licence', async () => {
    const run = await runRegards(regards, { products: PRODUCTS.licensed, 'accept-license': 'true' })
    expectFailed(run, ['public access cannot accept a licence'])
    expect(downloads()).toHaveLength(1)
  })

  it('429 quota: fails at once, downloads nothing more, says the cache saves quota', async () => {
    const run = await runRegards(regards, {
      ...account(USERS.spent),
      products: `${PRODUCTS.online},${PRODUCTS.large},${PRODUCTS.digests}`,
      concurrency: '1'
    })
    expect(run.code).toBe(1)
    const error = singleError(run)
    expect(error).toContain('download quota is spent')
    expect(error).toContain('actions/cache')
    expect(error).toContain('not downloaded: the download quota was spent')
    expect(downloads()).toHaveLength(1)
    expect(filesOutput(run)).toEqual([])
  })

  it('429 rate: waits, goes on with fewer at once, and downloads', async () => {
    regards.script({
      type: 'status',
      status: 429,
      body: 'Download rate of 1 exceeded (by 1) for user exploit@example.org.',
      match: 'download'
    })
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.online })
    expect(run.errors).toEqual([])
    expect(downloads().map(request => request.status)).toEqual([429, 200])
    expect(run.stdout).toContain('too many downloads at once')
    expect(run.summary).toContain('download rate exceeded')
  })

  it('429 rate past max-wait-seconds: fails naming max-wait-seconds', async () => {
    regards.script({
      type: 'status',
      status: 429,
      body: 'Download rate of 1 exceeded (by 1) for user exploit@example.org.',
      match: 'download'
    })
    const run = await runRegards(regards, {
      ...exploit,
      products: PRODUCTS.online,
      'max-wait-seconds': '1'
    })
    expectFailed(run, ['too many downloads at once', 'max-wait-seconds'])
  })

  it.each<[string, Parameters<RegardsEmulator['script']>[0]]>([
    ['202', { type: 'status', status: 202, match: 'download' }],
    ['500', { type: 'status', status: 500, match: 'download' }],
    ['503', { type: 'status', status: 503, match: 'download' }],
    ['a reset mid-body', { type: 'reset-mid-body', match: 'download' }],
    ['a stall', { type: 'stall', afterBytes: 1000, match: 'download' }]
  ])('%s: repeats within the budget, and the file arrives', async (_name, fault) => {
    regards.script(fault)
    const run = await runRegards(regards, {
      ...exploit,
      products: PRODUCTS.online,
      'timeout-seconds': '1'
    })
    expect(run.errors).toEqual([])
    expect(downloads()).toHaveLength(2)
    expect(filesOutput(run)).toHaveLength(1)
  })

  it('515: repeats within the budget, then fails saying the project is in maintenance', async () => {
    regards.script({ type: 'status', status: 515, match: 'download' })
    regards.script({ type: 'status', status: 515, match: 'download' })
    const run = await runRegards(regards, {
      ...exploit,
      products: PRODUCTS.online,
      'max-attempts': '2'
    })
    expectFailed(run, ['in maintenance (HTTP 515)'])
    expect(downloads()).toHaveLength(2)
  })

  it('a 200 HTML page is caught by the size and digest check, showing its start', async () => {
    regards.script({ type: 'html-page', match: 'download' })
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.online })
    expectFailed(run, ['did not arrive as the catalog describes it', 'HTML page'])
    expect(downloads()).toHaveLength(1)
  })

  it.each<[string, Parameters<RegardsEmulator['script']>[0], string]>([
    ['wrong bytes', { type: 'wrong-bytes', match: 'download' }, 'its MD5 is'],
    ['a truncated body', { type: 'truncate', bytes: 100, match: 'download' }, 'bytes arrived']
  ])('%s: fails that file, keeps nothing of it', async (_name, fault, message) => {
    regards.script(fault)
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.online })
    expectFailed(run, [message])
    expect(downloads()).toHaveLength(1)
  })
})
