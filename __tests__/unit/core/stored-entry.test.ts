// Large stored entries are copied straight from the archive (core/zip/stored-entry.ts), checked by
// their CRC-32: the same bytes as the stream would give, the same refusal of a damaged entry, and
// nothing left behind by a failure or a cancellation.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { buildZip } from '../../../emulator/zip-writer.js'
import { CancelScope } from '../../../src/core/step/cancel-scope.js'
import { CancelledError } from '../../../src/core/step/errors.js'
import { UnsafeArchiveError } from '../../../src/core/zip/errors.js'
import { planExtraction, unpackToStaging } from '../../../src/core/zip/extract.js'
import { copyStoredEntry, STORED_COPY_BUFFER_BYTES } from '../../../src/core/zip/stored-entry.js'
import { ZipArchive } from '../../../src/core/zip/zip-archive.js'

const NAME = 'App 1.0.0.1'
// Two and a half buffers: both buffers in turn, and a short last read.
const big = randomBytes(STORED_COPY_BUFFER_BYTES * 2.5)
const small = randomBytes(1000)

let root: string
let work: string
let zipPath: string
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'stored-entry-'))
  work = path.join(root, 'work')
  await mkdir(work)
  zipPath = path.join(root, 'package.zip')
  await writeFile(
    zipPath,
    buildZip([
      { name: 'AppInfo.xml', data: '<App/>' },
      { name: 'Assemblies/big.bin', data: big, store: true },
      { name: 'Assemblies/deflated.bin', data: big },
      { name: 'small.bin', data: small, store: true }
    ])
  )
})
afterEach(() => rm(root, { recursive: true, force: true }))

async function unpack(scope = new CancelScope()) {
  const archive = await ZipArchive.open(zipPath)
  const opened: string[] = []
  const openEntry = archive.openEntry.bind(archive)
  jest.spyOn(archive, 'openEntry').mockImplementation(entry => {
    opened.push(entry.name)
    return openEntry(entry)
  })
  // Small entries are read whole (small-entries.ts): through the archive's reader all the same.
  const readSmallEntry = archive.readSmallEntry.bind(archive)
  jest.spyOn(archive, 'readSmallEntry').mockImplementation(entry => {
    opened.push(entry.name)
    return readSmallEntry(entry)
  })
  try {
    const plan = planExtraction(archive.entries, NAME)
    const folder = await unpackToStaging(archive, plan, path.join(work, NAME), NAME, scope)
    return { folder, opened }
  } finally {
    archive.close()
  }
}

/** The package with one byte of the big entry's data changed, past its first buffer. */
async function damageBigEntry(): Promise<void> {
  const bytes = await readFile(zipPath)
  const at = bytes.indexOf(big.subarray(0, 64)) + STORED_COPY_BUFFER_BYTES + 5
  bytes[at] ^= 0x01
  await writeFile(zipPath, bytes)
}

describe('unpacking a large stored entry', () => {
  it('copies it without a stream, to the same bytes; the others go through the archive reader', async () => {
    const { folder, opened } = await unpack()
    // Buffer.equals: jest's toEqual compares a Buffer byte by byte, far too slowly for MiBs.
    const same = async (name: string, data: Buffer) =>
      (await readFile(path.join(folder.staging, name))).equals(data)
    expect(await same('Assemblies/big.bin', big)).toBe(true)
    expect(await same('Assemblies/deflated.bin', big)).toBe(true)
    expect(await same('small.bin', small)).toBe(true)
    expect(opened.sort()).toEqual(['AppInfo.xml', 'Assemblies/deflated.bin', 'small.bin'])
    expect(folder).toMatchObject({ files: 4, bytes: 2 * big.length + small.length + 6 })
  })

  it('refuses it on a CRC-32 mismatch, and removes the staging folder', async () => {
    await damageBigEntry()
    const attempt = unpack()
    await expect(attempt).rejects.toThrow(UnsafeArchiveError)
    await expect(attempt).rejects.toThrow(
      /^The package App 1\.0\.0\.1 could not be unpacked: "Assemblies\/big\.bin" in the package fails its CRC-32 check \([0-9a-f]{8} instead of [0-9a-f]{8}\): the package is corrupt\.$/
    )
    expect(await readdir(work)).toEqual([])
  })

  it('stops once the run is cancelled, leaving nothing', async () => {
    const scope = new CancelScope()
    scope.cancel('SIGTERM')
    await expect(unpack(scope)).rejects.toThrow(CancelledError)
    expect(await readdir(work)).toEqual([])
  })
})

describe('copyStoredEntry', () => {
  async function bigEntry() {
    const archive = await ZipArchive.open(zipPath)
    archive.close()
    const entry = archive.entries.find(e => e.name === 'Assemblies/big.bin')
    const range = entry && archive.storedRange(entry)
    if (!entry || !range) throw new Error('no stored range for the big entry')
    return { entry, range }
  }

  it('removes its file when aborted in the middle', async () => {
    const { entry, range } = await bigEntry()
    const target = path.join(work, 'big.bin')
    // A signal that is aborted from its second look on: after the first buffer was written.
    let looks = 0
    const signal = {
      throwIfAborted: () => {
        if (++looks > 1) throw new Error('stopped')
      }
    } as unknown as AbortSignal
    await expect(copyStoredEntry(range, entry, target, signal)).rejects.toThrow('stopped')
    expect(looks).toBe(2)
    expect(await readdir(work)).toEqual([])
  })

  it('removes its file when aborted before it began', async () => {
    const { entry, range } = await bigEntry()
    const target = path.join(work, 'big.bin')
    await expect(
      copyStoredEntry(range, entry, target, AbortSignal.abort(new Error('no')))
    ).rejects.toThrow('no')
    expect(await readdir(work)).toEqual([])
  })

  it('refuses a range that runs past the end of the archive, leaving nothing', async () => {
    const { entry, range } = await bigEntry()
    const { size } = await stat(zipPath)
    const target = path.join(work, 'big.bin')
    await expect(
      copyStoredEntry({ ...range, start: size - 10, end: size + 100 }, entry, target)
    ).rejects.toThrow(/"Assemblies\/big\.bin" in the package ends after the end of the archive/)
    expect(await readdir(work)).toEqual([])
  })

  it('never writes through a file already there', async () => {
    const { entry, range } = await bigEntry()
    const target = path.join(work, 'big.bin')
    await writeFile(target, 'mine')
    await expect(copyStoredEntry(range, entry, target)).rejects.toMatchObject({ code: 'EEXIST' })
    expect(await readFile(target, 'utf8')).toBe('mine')
  })

  it('is not offered for deflated entries', async () => {
    const archive = await ZipArchive.open(zipPath)
    archive.close()
    const deflated = archive.entries.find(e => e.name === 'Assemblies/deflated.bin')
    expect(deflated && archive.storedRange(deflated)).toBeUndefined()
  })
})
