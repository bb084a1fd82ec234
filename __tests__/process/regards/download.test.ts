// The REGARDS action's main paths, run as the runner runs the bundle, against the emulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import path from 'node:path'
import {
  contentSize,
  DATASETS,
  PRODUCTS,
  startRegardsEmulator,
  USERS,
  type RegardsEmulator
} from '../../../emulator/regards/index.js'
import { listFiles, makeRunnerDirs } from '../../helpers/run-bundle.js'
import {
  account,
  expectNoSecretLeak,
  expectSeededBytes,
  filesOutput,
  PASSWORDS,
  requestsOf,
  runRegards,
  seededFile,
  workspaceFiles
} from './fixture.js'

let regards: RegardsEmulator

beforeAll(async () => {
  regards = await startRegardsEmulator()
})
afterAll(() => regards.close())
beforeEach(() => regards.reset())

describe('the REGARDS action downloads product files', () => {
  it('signs in, reads each product by URN, downloads its RAWDATA file and verifies it', async () => {
    const run = await runRegards(regards, {
      ...account(USERS.exploit),
      products: PRODUCTS.online
    })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    const file = seededFile(PRODUCTS.online, 'DATA-06-20220613-2390.nc')
    const where = path.join(run.dirs.workspace, 'DATA-06-20220613-2390', file.filename)
    expectSeededBytes(where, file)
    expect(workspaceFiles(run)).toEqual(['DATA-06-20220613-2390/DATA-06-20220613-2390.nc'])
    expect(filesOutput(run)).toEqual([
      {
        product: PRODUCTS.online,
        providerId: 'DATA-06-20220613-2390',
        dataType: 'RAWDATA',
        filename: file.filename,
        path: where,
        size: contentSize(file.content),
        checksum: file.checksum,
        algorithm: 'MD5',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        cacheHit: false
      }
    ])
    expect(run.outputs.count).toBe('1')
    expect(run.outputs.path).toBe(run.dirs.workspace)
    expect(run.outputs['cache-hits']).toBe('0')
    expect(Number(run.outputs['total-size'])).toBe(filesOutput(run)[0].size)

    // The sign-in: tenant in the query, Basic client, JSON body.
    const [signIn] = requestsOf(regards, 'token')
    expect(signIn.method).toBe('POST')
    expect(signIn.query.scope).toBe(regards.tenant)
    expect(signIn.headers.authorization).toBe(
      `Basic ${Buffer.from('client:secret').toString('base64')}`
    )
    expect(JSON.parse(signIn.body)).toEqual({
      grant_type: 'password',
      username: USERS.exploit,
      password: PASSWORDS[USERS.exploit],
      scope: regards.tenant
    })
    // The checksum in the download path exactly as the catalog wrote it (upper case).
    const downloads = requestsOf(regards, 'download')
    expect(downloads).toHaveLength(1)
    expect(downloads[0].path).toContain(`/files/${file.checksum}`)
    expect(downloads[0].headers['accept-encoding']).toBe('identity')
    expect(downloads[0].headers.authorization).toMatch(/^Bearer /)
    expect(downloads[0].query.acceptLicense).toBeUndefined()
    expect(run.summary).toContain('DATA-06-20220613-2390.nc')
    expectNoSecretLeak(run, regards, [PASSWORDS[USERS.exploit]])
  })

  it.each([
    [
      'relative to the workspace',
      (workspace: string) => ['data/regards', path.join(workspace, 'data/regards')]
    ],
    [
      'absolute',
      (workspace: string) => [
        path.join(workspace, '..', 'elsewhere'),
        path.join(workspace, '..', 'elsewhere')
      ]
    ]
  ])('puts the files under path, %s, creating it', async (_name, paths) => {
    const dirs = makeRunnerDirs()
    const [given, expected] = paths(dirs.workspace)
    const run = await runRegards(
      regards,
      { ...account(USERS.exploit), products: PRODUCTS.online, path: given },
      { dirs }
    )
    expect(run.errors).toEqual([])
    expect(run.outputs.path).toBe(expected)
    expect(filesOutput(run)[0].path).toBe(
      path.join(expected, 'DATA-06-20220613-2390', 'DATA-06-20220613-2390.nc')
    )
    expect(listFiles(expected)).toEqual(['DATA-06-20220613-2390/DATA-06-20220613-2390.nc'])
  })

  it('takes a product listed twice once', async () => {
    const run = await runRegards(regards, {
      ...account(USERS.exploit),
      products: `${PRODUCTS.online}\n${PRODUCTS.online}, ${PRODUCTS.online}`
    })
    expect(run.errors).toEqual([])
    expect(requestsOf(regards, 'entity')).toHaveLength(1)
    expect(requestsOf(regards, 'download')).toHaveLength(1)
    expect(run.outputs.count).toBe('1')
  })

  it('takes every product a search finds, page after page, inside a dataset', async () => {
    const run = await runRegards(regards, {
      ...account(USERS.exploit),
      query: 'providerId:DATA-*',
      dataset: DATASETS.solar,
      'file-types': 'DESCRIPTION'
    })
    expect(run.errors).toEqual([])
    expect(workspaceFiles(run)).toEqual([
      'DATA-06-20220613-2390/iso.xml',
      'DATA-06-20220614-0001/iso.xml'
    ])
    const searches = requestsOf(regards, 'search')
    expect(searches.length).toBeGreaterThanOrEqual(1)
    expect(searches[0].path).toContain(`/datasets/${DATASETS.solar}/dataobjects/search`)
    expect(searches[0].query).toMatchObject({ q: 'providerId:DATA-*', page: '0' })
    expectNoSecretLeak(run, regards, [PASSWORDS[USERS.exploit]])
  })
})
