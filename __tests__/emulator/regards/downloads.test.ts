import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  DEMO_LICENSE_LINK,
  PRODUCTS,
  SEED_PRODUCTS,
  USERS,
  contentBytes,
  startRegardsEmulator,
  type CatalogFile,
  type RegardsEmulator,
  type RegardsRequest
} from '../../../emulator/regards/index.js'
import { json, send, start } from '../http-client.js'
import { bearer, catalog } from './client.js'

let emulator: RegardsEmulator
let hold: ((request: RegardsRequest) => Promise<void>) | undefined

beforeAll(async () => {
  emulator = await startRegardsEmulator({ beforeBody: request => hold?.(request) })
})

afterAll(() => emulator.close())

beforeEach(() => {
  emulator.reset()
  hold = undefined
})

function fileOf(urn: string, filename: string): CatalogFile {
  const file = SEED_PRODUCTS.find(product => product.id === urn)?.files.find(
    candidate => candidate.filename === filename
  )
  if (!file) throw new Error(`no seeded ${filename} in ${urn}`)
  return file
}

const RAW = fileOf(PRODUCTS.online, 'DATA-06-20220613-2390.nc')
const QUICKLOOK = fileOf(PRODUCTS.online, 'quicklook.png')
const NEARLINE = fileOf(PRODUCTS.nearline, 'DATA-06-20220614-0001.nc')
const LICENSED = fileOf(PRODUCTS.licensed, 'licensed.nc')
const LICENSED_QUICKLOOK = fileOf(PRODUCTS.licensed, 'licensed-quicklook.png')
const LARGE = fileOf(PRODUCTS.large, 'mosaic.tif')

const downloadUrl = (urn: string, checksum: string, query = ''): string =>
  catalog(emulator, `/downloads/${urn}/files/${checksum}`) + query

const as = (email: string) => ({ headers: bearer(emulator.issueToken(email)) })

describe('a download that passes every check', () => {
  it('streams the file with its type, name, length and the downloads Cache-Control', async () => {
    const answer = await send(downloadUrl(PRODUCTS.online, RAW.checksum), as(USERS.exploit))
    expect(answer.status).toBe(200)
    expect(answer.body.equals(contentBytes(RAW.content))).toBe(true)
    expect(createHash('md5').update(answer.body).digest('hex')).toBe(RAW.checksum.toLowerCase())
    expect(answer.headers).toMatchObject({
      'content-type': 'application/x-netcdf',
      'content-length': String(answer.body.length),
      'content-disposition': 'attachment; filename="DATA-06-20220613-2390.nc"',
      'cache-control': 'public, max-age=15552000'
    })
    expect(answer.headers['content-encoding']).toBeUndefined()
  })

  it('streams 8 MiB whose SHA-256 is the catalog checksum', async () => {
    const answer = await send(downloadUrl(PRODUCTS.large, LARGE.checksum), as(USERS.exploit))
    expect(answer.status).toBe(200)
    expect(answer.body.length).toBe(8 * 1024 * 1024)
    expect(createHash('sha256').update(answer.body).digest('hex')).toBe(LARGE.checksum)
  })

  it('serves inline with isContentInline=true', async () => {
    const answer = await send(
      downloadUrl(PRODUCTS.online, RAW.checksum, '?isContentInline=true'),
      as(USERS.exploit)
    )
    expect(answer.headers['content-disposition']).toBe(
      'inline; filename="DATA-06-20220613-2390.nc"'
    )
  })

  it('lets public access download what the public group may', async () => {
    const answer = await send(downloadUrl(PRODUCTS.online, RAW.checksum, '?scope=demo'))
    expect(answer.status).toBe(200)
    expect(emulator.requests[0].user).toBe('public@regards.com')
  })

  it('answers HEAD with the headers only', async () => {
    const answer = await send(downloadUrl(PRODUCTS.online, RAW.checksum), {
      method: 'HEAD',
      ...as(USERS.exploit)
    })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-length']).toBe(String(contentBytes(RAW.content).length))
    expect(answer.body.length).toBe(0)
  })

  it('sends control characters of a hostile name as ? in Content-Disposition', async () => {
    const file = fileOf(PRODUCTS.hostile, 'bell\u0007new\nline.nc')
    const answer = await send(downloadUrl(PRODUCTS.hostile, file.checksum), as(USERS.exploit))
    expect(answer.status).toBe(200)
    expect(answer.headers['content-disposition']).toBe('attachment; filename="bell?new?line.nc"')
  })
})

describe('the order of checks', () => {
  it('401 before anything else', async () => {
    const answer = await send(downloadUrl('URN:unknown', 'x'))
    expect(answer.status).toBe(401)
  })

  it('404 with messages for an unknown product', async () => {
    const answer = await send(downloadUrl('URN:FEATURE:DATA:demo:nope:V1', RAW.checksum), {
      headers: { scope: 'demo' }
    })
    expect(answer.status).toBe(404)
    expect(json(answer)).toEqual({ messages: [expect.any(String)] })
    expect(answer.headers['cache-control']).toBe('public, max-age=15552000')
  })

  it('403, empty, for a product outside the groups, before the licence', async () => {
    const restricted = fileOf(PRODUCTS.restricted, 'restricted.nc')
    const answer = await send(
      downloadUrl(PRODUCTS.restricted, restricted.checksum),
      as(USERS.exploit)
    )
    expect([answer.status, answer.body.length]).toEqual([403, 0])
    const admin = await send(downloadUrl(PRODUCTS.restricted, restricted.checksum), as(USERS.admin))
    expect(admin.status).toBe(200)
  })

  it('403 for RAWDATA the user may see but not download', async () => {
    const answer = await send(downloadUrl(PRODUCTS.nearline, NEARLINE.checksum, '?scope=demo'))
    expect(answer.status).toBe(403)
  })

  it('423 with the licence link until accepted; quicklooks pass regardless', async () => {
    const locked = await send(downloadUrl(PRODUCTS.licensed, LICENSED.checksum), as(USERS.exploit))
    expect(locked.status).toBe(423)
    expect(locked.headers['content-type']).toMatch(/^application\/json/)
    expect(json(locked)).toEqual({
      license: DEMO_LICENSE_LINK,
      accept: `${emulator.url}/api/v1/rs-catalog/downloads/${PRODUCTS.licensed}/files/${LICENSED.checksum}?acceptLicense=true`
    })
    const quicklook = await send(
      downloadUrl(PRODUCTS.licensed, LICENSED_QUICKLOOK.checksum),
      as(USERS.exploit)
    )
    expect(quicklook.status).toBe(200)
    expect(emulator.account(USERS.exploit).licenseAccepted).toBe(false)
  })

  it('acceptLicense=true accepts for the user, for good, and serves the file', async () => {
    const accepted = await send(
      downloadUrl(PRODUCTS.licensed, LICENSED.checksum, '?acceptLicense=true'),
      as(USERS.exploit)
    )
    expect(accepted.status).toBe(200)
    expect(accepted.body.equals(contentBytes(LICENSED.content))).toBe(true)
    expect(emulator.account(USERS.exploit).licenseAccepted).toBe(true)
    const again = await send(downloadUrl(PRODUCTS.licensed, LICENSED.checksum), as(USERS.exploit))
    expect(again.status).toBe(200)
    // Another user has still not accepted.
    const other = await send(downloadUrl(PRODUCTS.licensed, LICENSED.checksum), as(USERS.admin))
    expect(other.status).toBe(423)
  })

  it('acceptLicense=true cannot help public access', async () => {
    const answer = await send(
      downloadUrl(PRODUCTS.licensed, LICENSED.checksum, '?acceptLicense=true&scope=demo')
    )
    expect(answer.status).toBe(423)
  })

  it('the licence routes read and accept it; with no licence nothing is locked', async () => {
    const license = `${emulator.url}/api/v1/rs-admin/license`
    const before = json(await send(license, as(USERS.exploit)))
    expect(before).toEqual({
      content: { accepted: false, licenseLink: DEMO_LICENSE_LINK },
      links: []
    })
    const put = await send(license, { method: 'PUT', ...as(USERS.exploit) })
    expect(json(put)).toMatchObject({ content: { accepted: true } })
    expect(
      (await send(downloadUrl(PRODUCTS.licensed, LICENSED.checksum), as(USERS.exploit))).status
    ).toBe(200)

    emulator.settings.licenseLink = null
    expect(
      (await send(downloadUrl(PRODUCTS.licensed, LICENSED.checksum), as(USERS.admin))).status
    ).toBe(200)
  })

  it('404, empty, for an unknown checksum; checksums match case-sensitively', async () => {
    const unknown = await send(downloadUrl(PRODUCTS.online, 'deadbeef'), as(USERS.exploit))
    expect([unknown.status, unknown.body.length]).toEqual([404, 0])
    const lower = await send(
      downloadUrl(PRODUCTS.online, RAW.checksum.toLowerCase()),
      as(USERS.exploit)
    )
    expect(lower.status).toBe(404)
  })

  it('423 comes before 404 for an unknown checksum of a licensed product', async () => {
    const answer = await send(downloadUrl(PRODUCTS.licensed, 'deadbeef'), as(USERS.exploit))
    expect(answer.status).toBe(423)
  })

  it('410, empty, for a nearline file not restored (HEAD does not check it)', async () => {
    const gone = await send(downloadUrl(PRODUCTS.nearline, NEARLINE.checksum), as(USERS.exploit))
    expect([gone.status, gone.body.length]).toEqual([410, 0])
    const head = await send(downloadUrl(PRODUCTS.nearline, NEARLINE.checksum), {
      method: 'HEAD',
      ...as(USERS.exploit)
    })
    expect(head.status).toBe(200)
  })

  it('429 with the quota text once the quota is spent: quota before rate, "by 0"', async () => {
    emulator.account(USERS.spent).rateLimit = 0
    const answer = await send(downloadUrl(PRODUCTS.online, RAW.checksum), as(USERS.spent))
    expect(answer.status).toBe(429)
    expect(answer.body.toString()).toBe(
      `Download quota of 2 exceeded (by 0) for user ${USERS.spent}.`
    )
    expect(answer.headers['retry-after']).toBeUndefined()
    // Only RAWDATA counts: a quicklook still comes.
    expect(
      (await send(downloadUrl(PRODUCTS.online, QUICKLOOK.checksum), as(USERS.spent))).status
    ).toBe(200)
  })

  it('410 comes before 429', async () => {
    const answer = await send(downloadUrl(PRODUCTS.nearline, NEARLINE.checksum), as(USERS.spent))
    expect(answer.status).toBe(410)
  })
})

describe('quota and rate counters', () => {
  it('spends one unit per RAWDATA download, whatever its size; the quota route shows it', async () => {
    const account = emulator.account(USERS.registered)
    const quotaUrl = `${emulator.url}/api/v1/rs-access-project/quota/current`
    for (let i = 0; i < 5; i++) {
      expect(
        (await send(downloadUrl(PRODUCTS.online, RAW.checksum), as(USERS.registered))).status
      ).toBe(200)
    }
    expect(json(await send(quotaUrl, as(USERS.registered)))).toEqual({
      email: USERS.registered,
      maxQuota: 5,
      rateLimit: 1,
      currentQuota: 5,
      currentRate: 0
    })
    const refused = await send(downloadUrl(PRODUCTS.online, RAW.checksum), as(USERS.registered))
    expect(refused.status).toBe(429)
    expect(refused.body.toString()).toMatch(/^Download quota of 5 exceeded \(by 0\)/)
    expect(account.currentQuota).toBe(5)
    account.maxQuota = -1
    expect(
      (await send(downloadUrl(PRODUCTS.online, RAW.checksum), as(USERS.registered))).status
    ).toBe(200)
  })

  it('answers only {email} on the quota route when degraded', async () => {
    emulator.settings.degradedQuota = true
    const quota = await send(`${emulator.url}/api/v1/rs-storage/quota/current`, as(USERS.exploit))
    expect(json(quota)).toEqual({ email: USERS.exploit })
  })

  it('counts downloads under way against the rate, and frees the place when one ends', async () => {
    let release: () => void = () => undefined
    const released = new Promise<void>(resolve => (release = resolve))
    hold = () => released
    const headers = as(USERS.registered)
    const first = start(downloadUrl(PRODUCTS.online, RAW.checksum), headers)
    while (emulator.account(USERS.registered).currentRate === 0) {
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    hold = undefined
    const second = await send(downloadUrl(PRODUCTS.large, LARGE.checksum), headers)
    expect(second.status).toBe(429)
    expect(second.body.toString()).toBe(
      `Download rate of 1 exceeded (by 0) for user ${USERS.registered}.`
    )
    release()
    expect((await first.finished).status).toBe(200)
    expect(emulator.account(USERS.registered).currentRate).toBe(0)
    expect((await send(downloadUrl(PRODUCTS.large, LARGE.checksum), headers)).status).toBe(200)
    // The refused download spent no quota.
    expect(emulator.account(USERS.registered).currentQuota).toBe(2)
  })
})

describe('the second host', () => {
  it('serves reference files with no authorization and records the headers it got', async () => {
    const file = fileOf(PRODUCTS.reference, 'external.nc')
    const entity = json(
      await send(
        catalog(emulator, `/engines/legacy/dataobjects/${PRODUCTS.reference}`),
        as(USERS.exploit)
      )
    ) as { content: { files: { RAWDATA: { uri: string }[] } } }
    const uri = entity.content.files.RAWDATA[0].uri
    const answer = await send(uri, { headers: { 'X-Probe': 'yes' } })
    expect(answer.status).toBe(200)
    expect(answer.body.equals(contentBytes(file.content))).toBe(true)
    const received = emulator.requests.at(-1)
    expect(received).toMatchObject({ host: 'second', route: 'reference', status: 200 })
    expect(received?.headers['x-probe']).toBe('yes')
    expect(received?.headers.authorization).toBeUndefined()
    // The catalog itself does not store it.
    expect(
      (await send(downloadUrl(PRODUCTS.reference, file.checksum), as(USERS.exploit))).status
    ).toBe(404)
  })

  it('answers 404 for anything else', async () => {
    expect((await send(`${emulator.secondUrl}/reference/nothing/here`)).status).toBe(404)
  })
})
