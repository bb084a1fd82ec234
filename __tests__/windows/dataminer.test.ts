// The DataMiner Catalog action's bundle on Windows' own Node (under Wine), as a Windows runner
// runs it: the runner's paths as `Z:\…`, the tool cache on drive D: (another file system), file
// commands written with CRLF. Every path the action reports is a Windows path; the checks read
// the files through it.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import { prepareWine, toHostPath, toWindowsPath } from '../../scripts/wine.js'
import {
  apiRequests,
  expectNoKeyLeak,
  seededContent,
  sha256,
  startTestEmulator,
  TEST_KEY
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle, type RunnerDirs } from '../helpers/run-bundle.js'
import { lane, secondDriveFolderForTest, tempFolderForTest, wine, windowsDirs } from './lane.js'

const VERSION = '1.0.0.9'
const content = seededContent(SEED.appItemId, VERSION)
const PACKAGE = `Demo Application ${VERSION}.dmapp`

let emulator: CatalogEmulator

beforeAll(async () => {
  if ('missing' in wine) return
  await prepareWine(wine)
  emulator = await startTestEmulator()
}, 180_000)
afterAll(async () => {
  await emulator?.close()
})

const jobDirs = (toolCache?: string) => windowsDirs('catalog-action-windows-', toolCache)

function download(
  inputs: Record<string, string>,
  dirs = jobDirs(),
  onSpawn?: (child: ChildProcess) => void
) {
  emulator.requests.length = 0
  return runBundle(
    {
      'api-key': TEST_KEY,
      'catalog-id': SEED.appItemId,
      version: VERSION,
      'base-url': emulator.url,
      ...inputs
    },
    { dirs, runtime: 'windows', timeoutMs: 55_000, onSpawn }
  )
}

function hasPartialFile(dir: string): boolean {
  return listFiles(dir).some(name => name.endsWith('.partial'))
}

/** What the action wrote to GITHUB_OUTPUT, as bytes on disk. */
function rawOutputFile(dirs: RunnerDirs): string {
  const file = listFiles(dirs.temp).find(name => name.startsWith('github-output-'))
  return readFileSync(path.join(dirs.temp, file ?? 'none'), 'latin1')
}

lane("the DataMiner Catalog action on Windows' Node", () => {
  it('downloads into a backslash path, unpacks it and caches it on drive D:', async () => {
    const dirs = jobDirs()
    const run = await download({ path: 'deps\\sub', extract: 'true' }, dirs)
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    const expected = path.join(dirs.workspace, 'deps', 'sub', PACKAGE)
    expect(run.outputs.path).toBe(toWindowsPath(expected))
    expect(run.outputs.path).toMatch(/^Z:\\.*\\deps\\sub\\Demo Application 1\.0\.0\.9\.dmapp$/)
    expect(readFileSync(toHostPath(run.outputs.path)).equals(content)).toBe(true)
    expect(run.outputs.sha256).toBe(sha256(content))
    expect(run.outputs['extracted-path']).toBe(
      toWindowsPath(path.join(dirs.workspace, 'deps', 'sub', `Demo Application ${VERSION}`))
    )
    expect(listFiles(toHostPath(run.outputs['extracted-path']))).toContain('AppInfo.xml')
    expect(run.outputs['cache-hit']).toBe('false')
    const cached = listFiles(dirs.toolCache)
    expect(cached.some(file => file.endsWith(`/${PACKAGE}`))).toBe(true)
    expect(toWindowsPath(dirs.toolCache)).toMatch(/^D:\\/)
    // File commands as Windows writes them: CRLF line ends.
    expect(rawOutputFile(dirs)).toMatch(/^path<<ghadelimiter_[^\r\n]+\r\nZ:\\/m)
    expect(rawOutputFile(dirs)).not.toMatch(/[^\r]\n/)
    expectNoKeyLeak(run)
  })

  it('serves a second run from the tool cache on D: with no request', async () => {
    const toolCache = secondDriveFolderForTest('tool-cache-')
    const first = await download({}, jobDirs(toolCache))
    expect(first.outputs['cache-hit']).toBe('false')
    const second = await download({ path: 'again' }, jobDirs(toolCache))
    expect(second.errors).toEqual([])
    expect(second.outputs['cache-hit']).toBe('true')
    expect(apiRequests(emulator)).toEqual([])
    expect(readFileSync(toHostPath(second.outputs.path)).equals(content)).toBe(true)
    expect(second.outputs.path).toMatch(/\\again\\Demo Application 1\.0\.0\.9\.dmapp$/)
  })

  it('takes an absolute Windows path, and forward slashes in a relative one', async () => {
    const elsewhere = tempFolderForTest('catalog-action-windows-abs-')
    const absolute = await download({ path: toWindowsPath(path.join(elsewhere, 'pkgs')) })
    expect(absolute.errors).toEqual([])
    expect(toHostPath(absolute.outputs.path)).toBe(path.join(elsewhere, 'pkgs', PACKAGE))
    expect(readFileSync(path.join(elsewhere, 'pkgs', PACKAGE)).equals(content)).toBe(true)

    const dirs = jobDirs()
    const slashes = await download({ path: 'deps/fwd' }, dirs)
    expect(slashes.outputs.path).toBe(
      toWindowsPath(path.join(dirs.workspace, 'deps', 'fwd', PACKAGE))
    )
  })

  it('downloads and unpacks into a folder whose Windows path is over 260 characters', async () => {
    const dirs = jobDirs()
    const deep = ['a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60), 'd'.repeat(60)].join('\\')
    const run = await download({ path: deep, extract: 'true' }, dirs)
    expect(run.errors).toEqual([])
    expect(run.outputs['extracted-path'].length).toBeGreaterThan(260)
    expect(readFileSync(toHostPath(run.outputs.path)).equals(content)).toBe(true)
    expect(listFiles(toHostPath(run.outputs['extracted-path']))).toContain('AppInfo.xml')
  })

  it.each([
    'CON.dmapp',
    'nul',
    'com1.txt',
    '..\\..\\outside.dmapp',
    'x.dmapp.',
    'x.dmapp ',
    'a/b/c.dmapp',
    '*?<>|.dmapp',
    'C:\\Windows\\evil.dmapp'
  ])(
    'saves a package the server calls %j under a name Windows can hold, inside path',
    async value => {
      const dirs = jobDirs()
      emulator.script({ match: 'download', type: 'filename', value })
      const run = await download({ path: 'pkgs' }, dirs)
      expect(run.errors).toEqual([])
      const name = run.outputs.filename
      expect(listFiles(dirs.workspace)).toEqual([`pkgs/${name}`])
      expect(run.outputs.path).toBe(toWindowsPath(path.join(dirs.workspace, 'pkgs', name)))
      expect(name).not.toMatch(/[<>:"/\\|?*]|[. ]$/)
      expect(name).not.toMatch(/^(CON|PRN|AUX|NUL|COM\d|LPT\d)(\.|$)/i)
      expect(readFileSync(toHostPath(run.outputs.path)).equals(content)).toBe(true)
    }
  )

  it("fails, leaving the user's file as it was, when another file has the package's name", async () => {
    const dirs = jobDirs()
    writeFileSync(path.join(dirs.workspace, PACKAGE), 'mine')
    const run = await download({}, dirs)
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(readFileSync(path.join(dirs.workspace, PACKAGE), 'utf8')).toBe('mine')
    expect(listFiles(dirs.workspace)).toEqual([PACKAGE])
  })

  it('runs again in the same workspace: its identical earlier output is kept', async () => {
    const dirs = jobDirs()
    expect((await download({ extract: 'true', cache: 'false' }, dirs)).code).toBe(0)
    const before = listFiles(dirs.workspace)
    const again = await download({ extract: 'true', cache: 'false' }, dirs)
    expect(again.errors).toEqual([])
    expect(listFiles(dirs.workspace)).toEqual(before)
  })

  it.each([
    ['a SHA-256 that does not match', { 'expected-sha256': 'a'.repeat(64) }, undefined],
    ['a body cut short', {}, { type: 'truncate' } as const]
  ])('keeps nothing in path or the cache after %s', async (_name, inputs, fault) => {
    const dirs = jobDirs()
    if (fault) emulator.script({ match: 'download', ...fault })
    const run = await download({ path: 'deps\\sub', extract: 'true', ...inputs }, dirs)
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(listFiles(dirs.workspace)).toEqual([])
    expect(listFiles(dirs.toolCache)).toEqual([])
  })

  it('removes the partial download on Ctrl-C (SIGINT) in the middle of the body', async () => {
    const dirs = jobDirs()
    emulator.script({ match: 'download', type: 'stall', afterBytes: 200 })
    const run = await download({ 'timeout-seconds': '600' }, dirs, (child: ChildProcess) => {
      const poll = async () => {
        while (child.exitCode === null && !hasPartialFile(dirs.workspace)) await sleep(20)
        child.kill('SIGINT')
      }
      void poll()
    })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('The step was cancelled (SIGINT)')
    expect(listFiles(dirs.workspace)).toEqual([])
    expect(listFiles(dirs.toolCache)).toEqual([])
  })

  it('rejects bad inputs before any request', async () => {
    const run = await download({ 'catalog-id': 'not-a-guid', 'max-attempts': '0' })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/catalog-id/)
    expect(run.errors[0]).toMatch(/max-attempts/)
    expect(emulator.requests).toEqual([])
  })

  it('deploys and reports the deployment in its outputs', async () => {
    const run = await download({ 'coordination-id': SEED.systemIds[0] })
    expect(run.errors).toEqual([])
    const deployments = JSON.parse(run.outputs.deployments) as { coordinationId: string }[]
    expect(deployments.map(deployment => deployment.coordinationId)).toEqual([SEED.systemIds[0]])
    expect(emulator.deployments).toHaveLength(1)
  })
})
