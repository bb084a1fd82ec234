// Where files go and what is kept: safe names, collisions, the selection, what is in the way,
// the tool cache across runs, one failed file among others, digests, cancellation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  PRODUCTS,
  startRegardsEmulator,
  USERS,
  type RegardsEmulator
} from '../../../emulator/regards/index.js'
import { CACHE_FOLDER } from '../../../src/regards/file-cache.js'
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
  sha256,
  singleError,
  workspaceFiles
} from './fixture.js'

let regards: RegardsEmulator

beforeAll(async () => {
  regards = await startRegardsEmulator()
})
afterAll(() => regards.close())
beforeEach(() => regards.reset())

const exploit = account(USERS.exploit)
const downloads = () => requestsOf(regards, 'download')
const ONLINE_FOLDER = 'DATA-06-20220613-2390'
const ONLINE_FILE = `${ONLINE_FOLDER}/DATA-06-20220613-2390.nc`

describe('where the files go', () => {
  it('reduces names from the server to safe base names', async () => {
    const run = await runRegards(regards, {
      ...exploit,
      products: PRODUCTS.hostile,
      files: '*evil*,.hidden,bell*'
    })
    expect(run.errors).toEqual([])
    const names = workspaceFiles(run)
    expect(names).toHaveLength(3)
    for (const name of names) {
      const [folder, file] = name.split('/')
      expect(folder).toBe('DATA-10-HOSTILE')
      expect(file.startsWith('.')).toBe(false)
      expect([...file].some(c => c.charCodeAt(0) < 0x20 || c === '\\')).toBe(false)
    }
    expect(names).toContain('DATA-10-HOSTILE/evil.nc')
    // Nothing escaped the folder: '../evil.nc' is only in path and in the tool cache.
    const evil = listFiles(run.dirs.root).filter(name => name.includes('evil'))
    expect(evil.filter(name => !/^(workspace|tool-cache)\//.test(name))).toEqual([])
  })

  it('refuses two files that would land on the same name before any download, naming both', async () => {
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.hostile })
    expect(run.code).toBe(1)
    const error = singleError(run)
    expect(error).toContain('"dir/same.nc"')
    expect(error).toContain('"same.nc"')
    expect(downloads()).toEqual([])
    expect(workspaceFiles(run)).toEqual([])
  })

  it('refuses a selection that holds no file, naming what the products hold', async () => {
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.online, files: '*.hdf' })
    expect(run.code).toBe(1)
    const error = singleError(run)
    expect(error).toContain('RAWDATA: "DATA-06-20220613-2390.nc"')
    expect(error).toContain('DESCRIPTION: "iso.xml"')
    expect(downloads()).toEqual([])
  })

  it('refuses more than max-files before any download, naming the count', async () => {
    const run = await runRegards(regards, {
      ...exploit,
      query: 'providerId:DATA-*',
      'file-types': 'all',
      'max-files': '3'
    })
    expect(run.code).toBe(1)
    expect(singleError(run)).toMatch(/The selection holds \d+ files, more than max-files \(3\)/)
    expect(downloads()).toEqual([])
    expect(run.outputs.count).toBe('0')
  })

  it('uses the URN’s UUID without a providerId; checks an unknown algorithm by size with a warning', async () => {
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.noProviderId })
    expect(run.errors).toEqual([])
    expect(workspaceFiles(run)).toEqual([
      '00000000-0000-4000-8000-000000000004/extra.bin',
      '00000000-0000-4000-8000-000000000004/measurements.csv'
    ])
    expect(run.stdout).toMatch(/::warning::.*XXH64.*size only/)
    expect(filesOutput(run).map(file => file.providerId)).toEqual([null, null])
  })

  it('verifies SHA-512 and SHA-1 checksums written in any case', async () => {
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.digests })
    expect(run.errors).toEqual([])
    expect(
      filesOutput(run)
        .map(file => file.algorithm)
        .sort()
    ).toEqual(['sha-1', 'sha-512'])
    expectSeededBytes(
      path.join(run.dirs.workspace, 'DATA-12-DIGESTS', 'sha512.dat'),
      seededFile(PRODUCTS.digests, 'sha512.dat')
    )
  })

  it('names the file from the catalog, not from Content-Disposition', async () => {
    regards.script({ type: 'filename', value: '../../elsewhere.nc', match: 'download' })
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.online })
    expect(run.errors).toEqual([])
    expect(workspaceFiles(run)).toEqual([ONLINE_FILE])
  })

  it('decodes an encoded body before it is hashed and saved', async () => {
    regards.script({ type: 'encode', encoding: 'gzip', match: 'download' })
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.online })
    expect(run.errors).toEqual([])
    expectSeededBytes(
      path.join(run.dirs.workspace, ONLINE_FILE),
      seededFile(PRODUCTS.online, 'DATA-06-20220613-2390.nc')
    )
  })
})

describe('a body that decodes to more than the file', () => {
  it('refuses it past the catalog size while it streams, naming the file, keeping nothing', async () => {
    regards.script({ type: 'encoded-bomb', bytes: 8 * 1024 * 1024, match: 'download' })
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.online })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('DATA-06-20220613-2390.nc')
    // 8 MiB is below what the ratio rule lets through: the catalog's size is what stops it.
    expect(run.errors[0]).toContain('decodes to more than the 64.1 KiB the file is known to have')
    expect(listFiles(run.dirs.workspace).filter(name => !name.endsWith('/'))).toEqual([])
    expect(listFiles(run.dirs.toolCache)).toEqual([])
    expect(downloads()).toHaveLength(1)
  })
})

describe('what is kept, and what is not asked again', () => {
  it('keeps a file already in place with the catalog’s checksum: a cache hit, no request', async () => {
    const dirs = makeRunnerDirs()
    const first = await runRegards(
      regards,
      { ...exploit, products: PRODUCTS.online, cache: 'false' },
      { dirs }
    )
    expect(first.errors).toEqual([])
    regards.reset()
    const second = await runRegards(
      regards,
      { ...exploit, products: PRODUCTS.online, cache: 'false' },
      { dirs }
    )
    expect(second.errors).toEqual([])
    expect(downloads()).toEqual([])
    expect(filesOutput(second)[0].cacheHit).toBe(true)
    expect(second.outputs['cache-hits']).toBe('1')
  })

  it('fails a file when something else is in its way, and leaves it as it was', async () => {
    const dirs = makeRunnerDirs()
    mkdirSync(path.join(dirs.workspace, ONLINE_FOLDER))
    writeFileSync(path.join(dirs.workspace, ONLINE_FILE), 'my own notes')
    const run = await runRegards(regards, { ...exploit, products: PRODUCTS.online }, { dirs })
    expect(run.code).toBe(1)
    expect(singleError(run)).toContain('is in the way')
    expect(readFileSync(path.join(dirs.workspace, ONLINE_FILE), 'utf8')).toBe('my own notes')
    expect(downloads()).toEqual([])
  })

  it('reuses the tool cache across runs (actions/cache): no request, no quota', async () => {
    const first = await runRegards(regards, {
      ...account(USERS.registered),
      products: PRODUCTS.online
    })
    expect(first.errors).toEqual([])
    expect(
      listFiles(path.join(first.dirs.toolCache, CACHE_FOLDER)).some(name =>
        name.endsWith('entry.json')
      )
    ).toBe(true)
    const quotaAfterFirst = regards.account(USERS.registered).currentQuota
    regards.requests.length = 0
    const fresh = makeRunnerDirs()
    cpSync(
      path.join(first.dirs.toolCache, CACHE_FOLDER),
      path.join(fresh.toolCache, CACHE_FOLDER),
      {
        recursive: true
      }
    )
    const second = await runRegards(
      regards,
      { ...account(USERS.registered), products: PRODUCTS.online },
      { dirs: fresh }
    )
    expect(second.errors).toEqual([])
    expect(downloads()).toEqual([])
    expect(regards.account(USERS.registered).currentQuota).toBe(quotaAfterFirst)
    expect(filesOutput(second)[0]).toMatchObject({ cacheHit: true })
    expectSeededBytes(
      path.join(fresh.workspace, ONLINE_FILE),
      seededFile(PRODUCTS.online, 'DATA-06-20220613-2390.nc')
    )
  })

  it('asks for no restore of a nearline file the tool cache holds', async () => {
    const inputs = { ...exploit, products: PRODUCTS.nearline, restore: 'true' }
    const first = await runRegards(regards, inputs)
    expect(first.errors).toEqual([])
    expect(requestsOf(regards, 'restore')).toHaveLength(1)
    regards.requests.length = 0
    const second = await runRegards(regards, inputs, {
      dirs: { ...makeRunnerDirs(), toolCache: first.dirs.toolCache }
    })
    expect(second.errors).toEqual([])
    expect(filesOutput(second)[0]).toMatchObject({ cacheHit: true })
    expect(regards.requests.map(request => request.route)).toEqual(['token', 'entity'])
    // One group after another: the runner's log has no groups within groups.
    const groups = second.stdout.split(/\r?\n/).filter(line => /^::(end)?group::/.test(line))
    for (let i = 0; i < groups.length; i++)
      expect(groups[i].startsWith(i % 2 === 0 ? '::group::' : '::endgroup::')).toBe(true)
  })

  it('checks a cache hit against the catalog’s checksum: a doctored entry is downloaded again', async () => {
    const first = await runRegards(regards, { ...exploit, products: PRODUCTS.online })
    expect(first.errors).toEqual([])
    const cacheDir = path.join(first.dirs.toolCache, CACHE_FOLDER)
    const entryName = listFiles(cacheDir).find(name => name.endsWith('entry.json'))!
    const entryPath = path.join(cacheDir, entryName)
    const entry = JSON.parse(readFileSync(entryPath, 'utf8')) as { fileName: string; size: number }
    const doctored = Buffer.alloc(entry.size, 7)
    writeFileSync(path.join(path.dirname(entryPath), entry.fileName), doctored)
    writeFileSync(entryPath, JSON.stringify({ ...entry, sha256: sha256(doctored) }))
    regards.requests.length = 0
    const fresh = makeRunnerDirs()
    cpSync(cacheDir, path.join(fresh.toolCache, CACHE_FOLDER), { recursive: true })
    const second = await runRegards(
      regards,
      { ...exploit, products: PRODUCTS.online },
      { dirs: fresh }
    )
    expect(second.errors).toEqual([])
    expect(downloads()).toHaveLength(1)
    expect(filesOutput(second)[0].cacheHit).toBe(false)
    expectSeededBytes(
      path.join(fresh.workspace, ONLINE_FILE),
      seededFile(PRODUCTS.online, 'DATA-06-20220613-2390.nc')
    )
  })

  it('goes on after one failed file, then fails naming it; verified files stay and are listed', async () => {
    regards.script({ type: 'status', status: 404, match: 'download' })
    const run = await runRegards(regards, {
      ...exploit,
      products: `${PRODUCTS.online},${PRODUCTS.digests}`,
      concurrency: '1'
    })
    expect(run.code).toBe(1)
    const error = singleError(run)
    expect(error).toContain(ONLINE_FILE)
    expect(error).toContain('HTTP 404')
    expect(
      filesOutput(run)
        .map(file => file.filename)
        .sort()
    ).toEqual(['sha1.dat', 'sha512.dat'])
    expect(run.outputs.count).toBe('2')
    expect(workspaceFiles(run)).toEqual(['DATA-12-DIGESTS/sha1.dat', 'DATA-12-DIGESTS/sha512.dat'])
    // A verified file is never asked for again: one request per file, the failed one included.
    expect(downloads()).toHaveLength(3)
    expect(run.summary).toContain('failed')
  })

  it('names each failed file and why when several fail', async () => {
    regards.script({ type: 'status', status: 403, match: 'download' })
    regards.script({ type: 'wrong-bytes', match: 'download' })
    const run = await runRegards(regards, {
      ...exploit,
      products: `${PRODUCTS.online},${PRODUCTS.digests}`,
      concurrency: '1'
    })
    expect(run.code).toBe(1)
    const error = singleError(run)
    expect(error).toContain('2 of 3 files failed')
    expect(error).toContain('HTTP 403')
    expect(error).toContain('did not arrive as the catalog describes it')
    expect(filesOutput(run)).toHaveLength(1)
    expectNoSecretLeak(run, regards, [PASSWORDS[USERS.exploit]])
  })
})

describe('cancellation', () => {
  it('leaves nothing half-written in path or the tool cache', async () => {
    regards.script({ type: 'stall', afterBytes: 1000, match: 'download' })
    const dirs = makeRunnerDirs()
    const folder = path.join(dirs.workspace, ONLINE_FOLDER)
    const run = await runRegards(
      regards,
      { ...exploit, products: PRODUCTS.online, 'timeout-seconds': '600' },
      {
        dirs,
        onSpawn: (child: ChildProcess) => {
          void (async () => {
            const partial = () => {
              try {
                return readdirSync(folder).some(name => name.endsWith('.partial'))
              } catch {
                return false
              }
            }
            while (child.exitCode === null && !partial()) await sleep(20)
            child.kill('SIGTERM')
          })()
        }
      }
    )
    expect(run.code).toBe(1)
    expect(singleError(run)).toContain('The step was cancelled (SIGTERM)')
    expect(listFiles(dirs.workspace).filter(name => !name.endsWith('/'))).toEqual([])
    expect(listFiles(dirs.toolCache)).toEqual([])
  })
})
