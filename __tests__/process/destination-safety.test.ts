// The action never deletes or overwrites what it did not create, whatever name the server sends:
// the committed bundle against the emulator, with files and folders already in the workspace.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import {
  apiRequests,
  expectNoKeyLeak,
  TEST_KEY,
  useEmulatorSuite,
  seededContent
} from '../helpers/emulator-fixture.js'
import { listFiles, runBundle, type RunnerDirs } from '../helpers/run-bundle.js'

const VERSION = '1.0.0.9'
const content = seededContent(SEED.appItemId, VERSION)
const SERVER_NAME = `Demo Application ${VERSION}.dmapp`

const suite = useEmulatorSuite()
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

function download(inputs: Record<string, string>, dirs: RunnerDirs = suite.newDirs()) {
  return runBundle(
    {
      'api-key': TEST_KEY,
      'catalog-id': SEED.appItemId,
      version: VERSION,
      'base-url': emulator.url,
      ...inputs
    },
    { dirs }
  )
}

/** Writes files (and their folders) under the workspace. */
function seed(dirs: RunnerDirs, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dirs.workspace, name)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
}

function read(dirs: RunnerDirs, name: string): string {
  return readFileSync(path.join(dirs.workspace, name), 'utf8')
}

describe('names a server sends (process level)', () => {
  it('never unpacks into .git: a leading dot is dropped from the file name', async () => {
    const dirs = suite.newDirs()
    seed(dirs, { '.git/HEAD': 'ref: refs/heads/main\n', '.git/config': '[core]\n' })
    emulator.script({ match: 'download', type: 'filename', value: '.git.dmapp' })
    const run = await download({ extract: 'true' }, dirs)
    expect(run.errors).toEqual([])
    expect(run.outputs.filename).toBe('git.dmapp')
    expect(run.outputs['extracted-path']).toBe(path.join(dirs.workspace, 'git'))
    expect(read(dirs, '.git/HEAD')).toBe('ref: refs/heads/main\n')
    expect(listFiles(path.join(dirs.workspace, '.git'))).toEqual(['HEAD', 'config'])
    expect(listFiles(path.join(dirs.workspace, 'git'))).toContain('AppInfo.xml')
    expectNoKeyLeak(run)
  })

  it('never replaces package.json: the name gets the extension the contents call for', async () => {
    const dirs = suite.newDirs()
    seed(dirs, { 'package.json': '{"name":"mine"}' })
    emulator.script({ match: 'download', type: 'filename', value: 'package.json' })
    const run = await download({}, dirs)
    expect(run.code).toBe(0)
    expect(run.outputs.filename).toBe('package.json.dmapp')
    expect(read(dirs, 'package.json')).toBe('{"name":"mine"}')
    expect(readFileSync(run.outputs.path).equals(content)).toBe(true)
  })

  it('gives a protocol package the .dmprotocol extension whatever the server calls it', async () => {
    emulator.script({ match: 'download', type: 'filename', value: 'connector.dmapp' })
    const run = await download({
      'catalog-id': SEED.protocolItemId,
      version: '1.0.0.2',
      cache: 'false'
    })
    expect(run.code).toBe(0)
    expect(run.outputs.filename).toBe('connector.dmprotocol')
    expect(run.outputs['package-type']).toBe('dmprotocol')
  })
})

describe('what is already in the way (process level)', () => {
  it('fails, leaving a folder of the user untouched, when the unpacking folder is taken', async () => {
    const dirs = suite.newDirs()
    seed(dirs, { 'src/index.ts': 'export {}\n' })
    emulator.script({ match: 'download', type: 'filename', value: 'src.dmapp' })
    const run = await download({ extract: 'true' }, dirs)
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(
      `${path.join(dirs.workspace, 'src')} is in the way of unpacking "src.dmapp"`
    )
    expect(run.errors[0]).toContain('"index.ts" that the package does not')
    expect(run.errors[0]).not.toMatch(/\.partial/)
    expect(listFiles(dirs.workspace)).toEqual(['src/index.ts'])
    expect(read(dirs, 'src/index.ts')).toBe('export {}\n')
    expect(listFiles(dirs.toolCache)).toEqual([])
  })

  it('fails, leaving the file untouched, when a different file has the package name', async () => {
    const dirs = suite.newDirs()
    seed(dirs, { [SERVER_NAME]: 'my own notes' })
    const run = await download({}, dirs)
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(
      `${path.join(dirs.workspace, SERVER_NAME)} already exists and is not the package`
    )
    expect(run.errors[0]).toMatch(/never overwrites a file it did not create/)
    expect(read(dirs, SERVER_NAME)).toBe('my own notes')
    expect(listFiles(dirs.workspace)).toEqual([SERVER_NAME])
    expect(listFiles(dirs.toolCache)).toEqual([])
  })

  it('fails when a folder or a link sits where the file would go, and leaves them as they were', async () => {
    const dirs = suite.newDirs()
    seed(dirs, { [`${SERVER_NAME}/inside.txt`]: 'x', 'outside.txt': 'target' })
    const folderRun = await download({ cache: 'false' }, dirs)
    expect(folderRun.code).toBe(1)
    expect(folderRun.errors[0]).toContain('it is not a plain file')
    expect(read(dirs, `${SERVER_NAME}/inside.txt`)).toBe('x')

    const linked = suite.newDirs()
    seed(linked, { 'outside.txt': 'target' })
    symlinkSync(
      path.join(linked.workspace, 'outside.txt'),
      path.join(linked.workspace, SERVER_NAME)
    )
    const linkRun = await download({ cache: 'false' }, linked)
    expect(linkRun.code).toBe(1)
    expect(linkRun.errors[0]).toContain('it is not a plain file')
    expect(read(linked, 'outside.txt')).toBe('target')
    expect(listFiles(linked.workspace)).toEqual(['Demo Application 1.0.0.9.dmapp', 'outside.txt'])
  })

  it('fails when a file sits where the package would be unpacked', async () => {
    const dirs = suite.newDirs()
    seed(dirs, { [`Demo Application ${VERSION}`]: 'a file, not a folder' })
    const run = await download({ extract: 'true', cache: 'false' }, dirs)
    expect(run.code).toBe(1)
    expect(run.errors[0]).toContain('is in the way of unpacking')
    expect(run.errors[0]).toContain('it is not a folder')
    expect(listFiles(dirs.workspace)).toEqual([`Demo Application ${VERSION}`])
  })

  it('runs again in the same workspace: identical earlier output is recognised and kept', async () => {
    const dirs = suite.newDirs()
    const first = await download({ extract: 'true', cache: 'false' }, dirs)
    expect(first.code).toBe(0)
    const before = listFiles(dirs.workspace)
    const second = await download({ extract: 'true', cache: 'false' }, dirs)
    expect(second.errors).toEqual([])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain(
      `${SERVER_NAME} was already there with the same content; kept it.`
    )
    expect(second.stdout).toContain("already held exactly the package's files; kept it.")
    for (const name of ['path', 'filename', 'sha256', 'size', 'extracted-path'])
      expect(second.outputs[name]).toBe(first.outputs[name])
    expect(listFiles(dirs.workspace)).toEqual(before)
    expect(apiRequests(emulator)).toHaveLength(2)
  })

  it('refuses to replace an unpacked folder someone has changed since', async () => {
    const dirs = suite.newDirs()
    const first = await download({ extract: 'true', cache: 'false' }, dirs)
    expect(first.code).toBe(0)
    const changed = path.join(first.outputs['extracted-path'], 'Description.txt')
    writeFileSync(changed, 'edited by a later step')
    const second = await download({ extract: 'true', cache: 'false' }, dirs)
    expect(second.code).toBe(1)
    expect(second.errors[0]).toContain(`its file "Description.txt" differs from the package's`)
    expect(readFileSync(changed, 'utf8')).toBe('edited by a later step')
    expect(listFiles(dirs.workspace).filter(name => name.includes('.partial'))).toEqual([])
  })
})
