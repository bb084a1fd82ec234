// Putting the package file and its unpacked folder in place: new paths are created, identical
// earlier output is accepted, and anything else in the way fails the step and stays exactly as it
// was. node:fs/promises is the real module, except that a test can make `link` fail as it does
// where hard links are not available, or run something just before a `rename`.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pythonZip, type PythonEntry } from '../helpers/real-archives.js'

const real = fs.promises
let linkFailure: string | undefined
let linkCalls = 0
let beforeNextRename: ((from: string, to: string) => Promise<void>) | undefined

jest.unstable_mockModule('node:fs/promises', () => ({
  ...real,
  default: real,
  link: async (existing: string, newPath: string) => {
    linkCalls++
    if (linkFailure) {
      throw Object.assign(new Error(`${linkFailure}: link '${existing}' -> '${newPath}'`), {
        code: linkFailure
      })
    }
    return real.link(existing, newPath)
  },
  rename: async (from: string, to: string) => {
    const hook = beforeNextRename
    beforeNextRename = undefined
    if (hook) await hook(from, to)
    return real.rename(from, to)
  }
}))

const { placeFile } = await import('../../src/core/files/place-file.js')
const { placeFolder, assertSameFolder } = await import('../../src/core/zip/place-folder.js')
const { planExtraction, unpackToStaging } = await import('../../src/core/zip/extract.js')
const { ZipArchive } = await import('../../src/core/zip/zip-archive.js')
const { CancelScope } = await import('../../src/core/step/cancel-scope.js')
const { DestinationConflictError } = await import('../../src/core/files/errors.js')

const NAME = 'App 1.0.0.1'
const PACKAGE_BYTES = Buffer.from(`PK\x03\x04${'package bytes '.repeat(500)}`, 'latin1')

let root: string

beforeEach(async () => {
  root = await real.mkdtemp(path.join(os.tmpdir(), 'publish-'))
  linkFailure = undefined
  linkCalls = 0
  beforeNextRename = undefined
})

afterEach(async () => {
  await real.rm(root, { recursive: true, force: true })
})

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function exists(target: string): boolean {
  try {
    fs.lstatSync(target)
    return true
  } catch {
    return false
  }
}

/**
 * Everything about a path and what is under it that a replacement would change: kind, inode,
 * modification time, and the bytes of files or the target of links.
 */
async function stateOf(target: string): Promise<Record<string, string>> {
  const state: Record<string, string> = {}
  const visit = async (full: string): Promise<void> => {
    const stats = await real.lstat(full)
    const key = path.relative(target, full).split(path.sep).join('/') || '.'
    const identity = `ino ${stats.ino} mtime ${stats.mtimeMs}`
    if (stats.isSymbolicLink()) {
      state[key] = `link to ${await real.readlink(full)}, ${identity}`
    } else if (stats.isDirectory()) {
      state[key] = `folder, ${identity}`
      for (const name of await real.readdir(full)) await visit(path.join(full, name))
    } else {
      state[key] = `file ${sha256(await real.readFile(full))}, ${identity}`
    }
  }
  await visit(target)
  return state
}

describe.each([
  ['with hard links', undefined],
  ['without hard links (EPERM)', 'EPERM'],
  ['without hard links (EXDEV)', 'EXDEV']
])('placeFile %s', (_, failure) => {
  let temp: string
  let finalPath: string
  const expected = { size: PACKAGE_BYTES.length, sha256: sha256(PACKAGE_BYTES) }

  beforeEach(async () => {
    linkFailure = failure
    temp = path.join(root, '.App 1.0.0.1.dmapp.partial')
    finalPath = path.join(root, `${NAME}.dmapp`)
    await real.writeFile(temp, PACKAGE_BYTES)
  })

  async function expectRefusedAndUntouched(reason: string): Promise<void> {
    const before = await stateOf(finalPath)
    const placing = placeFile(temp, finalPath, expected, NAME)
    await expect(placing).rejects.toThrow(DestinationConflictError)
    await expect(placing).rejects.toThrow(
      `${finalPath} already exists and is not the package ${NAME}: ${reason}. It was left as it was.`
    )
    expect(await stateOf(finalPath)).toEqual(before)
    expect(linkCalls).toBeGreaterThan(0)
  }

  it('creates the file and removes the temporary name', async () => {
    expect(await placeFile(temp, finalPath, expected, NAME)).toBe('created')
    expect(await real.readFile(finalPath)).toEqual(PACKAGE_BYTES)
    expect(exists(temp)).toBe(false)
    expect(await real.readdir(root)).toEqual([`${NAME}.dmapp`])
    expect(linkCalls).toBe(1)
  })

  it('accepts an identical file already there, leaves it as it was and removes the temporary file', async () => {
    await real.writeFile(finalPath, PACKAGE_BYTES)
    const before = await stateOf(finalPath)

    expect(await placeFile(temp, finalPath, expected, NAME)).toBe('unchanged')

    expect(await stateOf(finalPath)).toEqual(before)
    expect(exists(temp)).toBe(false)
    expect(linkCalls).toBe(1)
  })

  it('refuses a file of another size', async () => {
    await real.writeFile(finalPath, 'my notes')
    await expectRefusedAndUntouched(`it has 8 bytes, the package ${PACKAGE_BYTES.length}`)
  })

  it('refuses a file of the same size with other bytes', async () => {
    const other = Buffer.from(PACKAGE_BYTES)
    other[other.length - 1] ^= 0x01
    await real.writeFile(finalPath, other)
    await expectRefusedAndUntouched('its content differs from the package')
  })

  it('refuses a folder', async () => {
    await real.mkdir(finalPath)
    await real.writeFile(path.join(finalPath, 'inside.txt'), 'kept')
    await expectRefusedAndUntouched('it is not a plain file')
  })

  it('refuses a symbolic link, even to an identical file', async () => {
    const elsewhere = path.join(root, 'elsewhere.dmapp')
    await real.writeFile(elsewhere, PACKAGE_BYTES)
    await real.symlink(elsewhere, finalPath)
    const target = await stateOf(elsewhere)
    await expectRefusedAndUntouched('it is not a plain file')
    expect(await stateOf(elsewhere)).toEqual(target)
  })

  it('refuses a dangling symbolic link', async () => {
    await real.symlink(path.join(root, 'nowhere'), finalPath)
    await expectRefusedAndUntouched('it is not a plain file')
    expect(exists(path.join(root, 'nowhere'))).toBe(false)
  })
})

describe('placeFile when linking fails for another reason', () => {
  it('passes the error on and creates nothing', async () => {
    linkFailure = 'EIO'
    const temp = path.join(root, 'temp')
    const finalPath = path.join(root, 'final.dmapp')
    await real.writeFile(temp, PACKAGE_BYTES)
    const expected = { size: PACKAGE_BYTES.length, sha256: sha256(PACKAGE_BYTES) }

    await expect(placeFile(temp, finalPath, expected, NAME)).rejects.toThrow(/^EIO: link /)
    expect(exists(finalPath)).toBe(false)
    expect(await real.readFile(temp)).toEqual(PACKAGE_BYTES)
  })
})

describe('placeFolder and assertSameFolder', () => {
  const ENTRIES: PythonEntry[] = [
    { name: 'AppInfo.xml', data: '<AppInfo/>' },
    {
      name: 'AppInstallContent/Scripts/Script.xml',
      data: 'step\n'.repeat(1000),
      method: 'deflated'
    },
    { name: 'AppInstallContent/Empty/' },
    { name: 'empty.txt' }
  ]
  let destination: string
  let zipPath: string

  beforeEach(async () => {
    destination = path.join(root, 'work', NAME)
    await real.mkdir(path.dirname(destination))
    zipPath = path.join(root, `${NAME}.dmapp`)
    pythonZip(zipPath, ENTRIES)
  })

  /** Unpacks the package into a new staging folder beside the destination. */
  async function unpack() {
    const archive = await ZipArchive.open(zipPath)
    try {
      const plan = planExtraction(archive.entries, NAME)
      const { staging } = await unpackToStaging(archive, plan, destination, NAME, new CancelScope())
      return { plan, staging }
    } finally {
      archive.close()
    }
  }

  /** The destination as an earlier run left it. */
  async function earlierRun(): Promise<void> {
    const { staging } = await unpack()
    await real.rename(staging, destination)
  }

  async function expectConflict(
    placing: Promise<unknown>,
    reason: string | RegExp
  ): Promise<DestinationConflictErrorType> {
    const error = (await placing.then(
      () => undefined,
      (thrown: unknown) => thrown
    )) as DestinationConflictErrorType
    expect(error).toBeInstanceOf(DestinationConflictError)
    expect(error.message).toMatch(`${destination} is in the way of unpacking ${NAME}: `)
    expect(error.message).toMatch(reason)
    expect(error.hint).toMatch(/Move or remove that folder, or set path to another folder\.$/)
    return error
  }

  it('renames the staging folder into place', async () => {
    const { plan, staging } = await unpack()
    const unpacked = await stateOf(staging)

    expect(await placeFolder(staging, destination, plan, NAME)).toBe('created')

    expect(exists(staging)).toBe(false)
    // The same folder, renamed: same inodes, same bytes.
    expect(await stateOf(destination)).toEqual(unpacked)
    expect(await real.readdir(path.dirname(destination))).toEqual([NAME])
  })

  it('keeps an identical folder already there and removes the staging folder', async () => {
    await earlierRun()
    const before = await stateOf(destination)
    const { plan, staging } = await unpack()

    expect(await placeFolder(staging, destination, plan, NAME)).toBe('unchanged')

    expect(await stateOf(destination)).toEqual(before)
    expect(exists(staging)).toBe(false)
    expect(await real.readdir(path.dirname(destination))).toEqual([NAME])
  })

  it.each<[string, (at: string) => Promise<unknown>, string]>([
    [
      'an extra file',
      at => real.writeFile(path.join(at, 'notes.txt'), 'mine'),
      'it holds a file "notes.txt" that the package does not'
    ],
    [
      'a changed file',
      at => real.writeFile(path.join(at, 'AppInfo.xml'), '<AppInfo>'),
      'its file "AppInfo.xml" differs from the package\'s'
    ],
    [
      'a missing file',
      at => real.rm(path.join(at, 'empty.txt')),
      'it lacks the package\'s file "empty.txt"'
    ]
  ])('refuses a folder with %s and leaves it as it was', async (_, change, reason) => {
    await earlierRun()
    await change(destination)
    const before = await stateOf(destination)
    const { plan, staging } = await unpack()

    await expectConflict(placeFolder(staging, destination, plan, NAME), `${reason}.`)
    await expectConflict(assertSameFolder(destination, plan, NAME), `${reason}.`)

    expect(await stateOf(destination)).toEqual(before)
  })

  it('refuses a file where the folder would go', async () => {
    await real.writeFile(destination, 'a file')
    const before = await stateOf(destination)
    const { plan, staging } = await unpack()

    await expectConflict(placeFolder(staging, destination, plan, NAME), 'it is not a folder.')
    expect(await stateOf(destination)).toEqual(before)
  })

  it('refuses a symbolic link to an identical folder', async () => {
    await earlierRun()
    const elsewhere = path.join(root, 'elsewhere')
    await real.rename(destination, elsewhere)
    await real.symlink(elsewhere, destination)
    const link = await stateOf(destination)
    const target = await stateOf(elsewhere)
    const { plan, staging } = await unpack()

    await expectConflict(placeFolder(staging, destination, plan, NAME), 'it is not a folder.')
    expect(await stateOf(destination)).toEqual(link)
    expect(await stateOf(elsewhere)).toEqual(target)
  })

  it('accepts an identical folder that another run put in place just before the rename', async () => {
    const { plan, staging } = await unpack()
    let other: Record<string, string> = {}
    beforeNextRename = async () => {
      await earlierRun()
      other = await stateOf(destination)
    }

    expect(await placeFolder(staging, destination, plan, NAME)).toBe('unchanged')

    expect(Object.keys(other).length).toBeGreaterThan(1)
    expect(await stateOf(destination)).toEqual(other)
    expect(exists(staging)).toBe(false)
  })

  it('refuses a different folder that appeared just before the rename', async () => {
    const { plan, staging } = await unpack()
    let other: Record<string, string> = {}
    beforeNextRename = async () => {
      await real.mkdir(destination)
      await real.writeFile(path.join(destination, 'theirs.txt'), 'theirs')
      other = await stateOf(destination)
    }

    await expectConflict(
      placeFolder(staging, destination, plan, NAME),
      'it holds a file "theirs.txt" that the package does not.'
    )
    expect(await stateOf(destination)).toEqual(other)
  })

  it('assertSameFolder accepts a missing or identical folder and writes nothing', async () => {
    const { plan, staging } = await unpack()
    await real.rm(staging, { recursive: true })
    await expect(assertSameFolder(destination, plan, NAME)).resolves.toBeUndefined()
    expect(await real.readdir(path.dirname(destination))).toEqual([])

    await earlierRun()
    const before = await stateOf(destination)
    await expect(assertSameFolder(destination, plan, NAME)).resolves.toBeUndefined()
    expect(await stateOf(destination)).toEqual(before)
  })
})

type DestinationConflictErrorType = InstanceType<typeof DestinationConflictError>
