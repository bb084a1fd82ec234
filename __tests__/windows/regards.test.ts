// The REGARDS action's bundle on Windows' own Node (under Wine), as a Windows runner runs it: the
// runner's paths as `Z:\…`, the tool cache on drive D: (another file system), file commands
// written with CRLF. Every path the action reports is a Windows path; the checks read the files
// through it.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  catalogFile,
  contentBytes,
  PRODUCTS,
  SEED_PRODUCTS,
  startRegardsEmulator,
  USERS,
  type ProductSeed,
  type RegardsEmulator
} from '../../emulator/regards/index.js'
import { prepareWine, toHostPath, toWindowsPath } from '../../scripts/wine.js'
import { listFiles, runBundle } from '../helpers/run-bundle.js'
import { lane, secondDriveFolderForTest, wine, windowsDirs } from './lane.js'

const PASSWORD = 'exploit-password'
/** Names a Windows folder cannot hold, each of a file of its own. */
const WINDOWS_NAMES = ['CON.nc', 'nul', 'aux.txt', 'x.nc.', 'y.nc ', 'a<b>|c.nc', 'C:\\evil.nc']
const NAMES_PRODUCT: ProductSeed = {
  id: 'URN:FEATURE:DATA:demo:00000000-0000-4000-8000-000000000777:V1',
  providerId: 'DATA-WINDOWS-NAMES',
  label: 'Names Windows cannot hold',
  groups: ['public', 'science'],
  files: WINDOWS_NAMES.map((filename, index) =>
    catalogFile({ dataType: 'RAWDATA', filename, content: { seed: 700 + index, size: 300 } })
  )
}

let regards: RegardsEmulator

beforeAll(async () => {
  if ('missing' in wine) return
  await prepareWine(wine)
  regards = await startRegardsEmulator({
    products: [...SEED_PRODUCTS, NAMES_PRODUCT],
    restoreDelayMs: 300
  })
}, 180_000)
afterAll(async () => {
  await regards?.close()
})

const jobDirs = (toolCache?: string) => windowsDirs('regards-action-windows-', toolCache)

function download(inputs: Record<string, string>, dirs = jobDirs()) {
  regards.reset()
  return runBundle(
    {
      url: regards.url,
      tenant: 'demo',
      username: USERS.exploit,
      password: PASSWORD,
      ...inputs
    },
    { action: 'regards', dirs, runtime: 'windows', timeoutMs: 55_000 }
  )
}

interface FileOutput {
  product: string
  filename: string
  path: string
  size: number
  checksum: string
  algorithm: string
  cacheHit: boolean
}

function filesOf(run: Awaited<ReturnType<typeof download>>): FileOutput[] {
  return JSON.parse(run.outputs.files) as FileOutput[]
}

function md5(file: string): string {
  return createHash('md5').update(readFileSync(file)).digest('hex')
}

function downloads() {
  return regards.requests.filter(request => request.route === 'download')
}

function expectNoPassword(run: Awaited<ReturnType<typeof download>>): void {
  const written = [run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary]
    .join('\n')
    .split(/\r?\n/)
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  expect(written).not.toContain(PASSWORD)
}

lane("the REGARDS action on Windows' Node", () => {
  it('downloads the files of a query into a backslash path, a nearline one restored', async () => {
    const dirs = jobDirs()
    const run = await download(
      { query: 'providerId:DATA-06*', restore: 'true', path: 'data\\regards' },
      dirs
    )
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.outputs.path).toBe(toWindowsPath(path.join(dirs.workspace, 'data', 'regards')))
    const files = filesOf(run)
    expect(files.map(file => file.filename).sort()).toEqual([
      'DATA-06-20220613-2390.nc',
      'DATA-06-20220614-0001.nc'
    ])
    for (const file of files) {
      expect(file.path).toMatch(/^Z:\\.*\\data\\regards\\DATA-06-[0-9-]+\\DATA-06-[0-9-]+\.nc$/)
      expect(md5(toHostPath(file.path))).toBe(file.checksum.toLowerCase())
    }
    expect(regards.restoreRequests().length).toBeGreaterThan(0)
    expectNoPassword(run)
  })

  it('serves a second run from the tool cache on D: with no download request', async () => {
    const toolCache = secondDriveFolderForTest('tool-cache-')
    const first = await download({ products: PRODUCTS.online }, jobDirs(toolCache))
    expect(first.errors).toEqual([])
    expect(toWindowsPath(toolCache)).toMatch(/^D:\\/)
    expect(listFiles(toolCache).length).toBeGreaterThan(0)
    const second = await download({ products: PRODUCTS.online }, jobDirs(toolCache))
    expect(second.errors).toEqual([])
    expect(second.outputs['cache-hits']).toBe('1')
    expect(downloads()).toEqual([])
    const [file] = filesOf(second)
    expect(file.cacheHit).toBe(true)
    expect(md5(toHostPath(file.path))).toBe(file.checksum.toLowerCase())
  })

  it('saves files the catalog names as Windows cannot hold under names it can, inside path', async () => {
    const dirs = jobDirs()
    const run = await download({ products: NAMES_PRODUCT.id, path: 'names' }, dirs)
    expect(run.errors).toEqual([])
    const files = filesOf(run)
    expect(files).toHaveLength(WINDOWS_NAMES.length)
    const onDisk = listFiles(dirs.workspace)
    expect(onDisk).toHaveLength(WINDOWS_NAMES.length)
    for (const file of files) {
      expect(file.filename).not.toMatch(/[<>:"/\\|?*]|[. ]$/)
      expect(file.filename).not.toMatch(/^(CON|PRN|AUX|NUL|COM\d|LPT\d)(\.|$)/i)
      expect(onDisk).toContain(`names/DATA-WINDOWS-NAMES/${file.filename}`)
      const seed = NAMES_PRODUCT.files.find(candidate => candidate.checksum === file.checksum)
      expect(readFileSync(toHostPath(file.path)).equals(contentBytes(seed!.content))).toBe(true)
    }
  })

  it("fails, leaving the user's file as it was, when another file is at a file's name", async () => {
    const dirs = jobDirs()
    const folder = path.join(dirs.workspace, 'DATA-06-20220613-2390')
    mkdirSync(folder)
    writeFileSync(path.join(folder, 'DATA-06-20220613-2390.nc'), 'mine')
    const run = await download({ products: PRODUCTS.online }, dirs)
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(readFileSync(path.join(folder, 'DATA-06-20220613-2390.nc'), 'utf8')).toBe('mine')
    expect(listFiles(dirs.workspace)).toEqual(['DATA-06-20220613-2390/DATA-06-20220613-2390.nc'])
  })

  it('keeps nothing of a file whose bytes are wrong, in path or the cache', async () => {
    const dirs = jobDirs()
    regards.reset()
    regards.script({ match: 'download', type: 'wrong-bytes' })
    const run = await runBundle(
      {
        url: regards.url,
        tenant: 'demo',
        username: USERS.exploit,
        password: PASSWORD,
        products: PRODUCTS.online,
        'max-attempts': '1'
      },
      { action: 'regards', dirs, runtime: 'windows', timeoutMs: 55_000 }
    )
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(listFiles(dirs.workspace).filter(name => !name.endsWith('/'))).toEqual([])
    expect(listFiles(dirs.toolCache)).toEqual([])
  })

  it('rejects bad inputs before any request', async () => {
    const run = await download({ products: PRODUCTS.online, query: 'providerId:x', password: '' })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(regards.requests).toEqual([])
  })
})
