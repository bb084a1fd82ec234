// The zip reader against real archives made by Info-ZIP zip and Python's zipfile (see
// __tests__/helpers/real-archives.ts); each test first proves from the bytes that its archive has
// the feature it is about.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { buildNestedZip, buildSharedHeaderZip, buildZip } from '../../emulator/zip-writer.js'
import { MalformedArchiveError, UnsafeArchiveError } from '../../src/core/zip/errors.js'
import {
  CORRUPT_HINT,
  METHOD_DEFLATED,
  METHOD_STORED,
  readZipEntries,
  startsLikeZip,
  ZipArchive,
  type ZipEntry
} from '../../src/core/zip/zip-archive.js'
import {
  FLAG_DATA_DESCRIPTOR,
  FLAG_ENCRYPTED,
  FLAG_UTF8,
  HOST_MSDOS,
  infoZip,
  infoZipFromStdin,
  inspectedEntry,
  inspectZip,
  pythonNames,
  pythonZip,
  writeTree,
  ZIP64_EXTRA_ID,
  noise,
  SCRIPT_XML
} from '../helpers/real-archives.js'

let root: string
let counter = 0

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'zip-archive-'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A fresh path for an archive or a folder. */
function fresh(name: string): string {
  counter++
  return path.join(root, `${counter}-${name}`)
}

const LIBRARY = noise(70_000, 'lib.dll')

/** A package as a folder: files (with their bytes) and the folders Info-ZIP adds entries for. */
const PACKAGE_FILES: Record<string, Buffer> = {
  'AppInfo.xml': Buffer.from('<AppInfo><Name>App</Name></AppInfo>\n'),
  'AppInstallContent/Scripts/Script.xml': Buffer.from(SCRIPT_XML),
  'AppInstallContent/Assemblies/lib.dll': LIBRARY,
  'empty.txt': Buffer.alloc(0)
}
const PACKAGE_FOLDERS = [
  'AppInstallContent/',
  'AppInstallContent/Assemblies/',
  'AppInstallContent/Empty/',
  'AppInstallContent/Scripts/'
]

function packageFolder(): string {
  const folder = fresh('package')
  writeTree(folder, {
    ...PACKAGE_FILES,
    ...Object.fromEntries(PACKAGE_FOLDERS.map(name => [name, '']))
  })
  return folder
}

async function readEntry(archive: ZipArchive, entry: ZipEntry): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of await archive.openEntry(entry)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function entryNamed(archive: ZipArchive, name: string): ZipEntry {
  const entry = archive.entries.find(candidate => candidate.name === name)
  if (!entry) throw new Error(`no entry ${JSON.stringify(name)} among ${names(archive.entries)}`)
  return entry
}

function names(entries: ZipEntry[]): string[] {
  return entries.map(entry => entry.name).sort()
}

/** The archive holds exactly these files (with these bytes) and folders, all readable. */
async function expectArchiveHolds(
  zipPath: string,
  files: Record<string, Buffer | string>,
  folders: string[] = []
): Promise<ZipEntry[]> {
  const archive = await ZipArchive.open(zipPath)
  try {
    expect(names(archive.entries)).toEqual([...Object.keys(files), ...folders].sort())
    for (const entry of archive.entries) {
      expect([entry.name, entry.isSymlink, entry.isEncrypted]).toEqual([entry.name, false, false])
      if (folders.includes(entry.name)) {
        expect([entry.name, entry.isDirectory, entry.uncompressedSize]).toEqual([
          entry.name,
          true,
          0
        ])
        continue
      }
      const expected = Buffer.from(files[entry.name])
      expect([entry.name, entry.isDirectory, entry.uncompressedSize]).toEqual([
        entry.name,
        false,
        expected.length
      ])
      const data = await readEntry(archive, entry)
      expect(data.equals(expected)).toBe(true)
    }
    return archive.entries
  } finally {
    archive.close()
  }
}

describe('Info-ZIP archives', () => {
  it('reads a stored archive (-0): names, sizes, folders and bytes', async () => {
    const zipPath = fresh('stored.zip')
    infoZip(zipPath, packageFolder(), { store: true })
    const zip = inspectZip(await readFile(zipPath))
    expect(zip.entries.map(entry => entry.method)).toEqual(zip.entries.map(() => METHOD_STORED))
    expect(zip.entries.some(entry => entry.flags & FLAG_DATA_DESCRIPTOR)).toBe(false)

    const entries = await expectArchiveHolds(zipPath, PACKAGE_FILES, PACKAGE_FOLDERS)
    for (const entry of entries) expect(entry.compressedSize).toBe(entry.uncompressedSize)
  })

  it('reads a deflated archive', async () => {
    const zipPath = fresh('deflated.zip')
    infoZip(zipPath, packageFolder())
    const zip = inspectZip(await readFile(zipPath))
    expect(inspectedEntry(zip, 'AppInstallContent/Scripts/Script.xml').method).toBe(METHOD_DEFLATED)

    const entries = await expectArchiveHolds(zipPath, PACKAGE_FILES, PACKAGE_FOLDERS)
    const script = entries.find(entry => entry.name.endsWith('Script.xml'))
    expect(script?.method).toBe(METHOD_DEFLATED)
    expect(script?.compressedSize).toBeLessThan(SCRIPT_XML.length / 10)
  })

  it('reads an archive written to a pipe, whose sizes follow the data (data descriptors)', async () => {
    const zipPath = fresh('piped.zip')
    infoZip(zipPath, packageFolder(), { toPipe: true })
    const zip = inspectZip(await readFile(zipPath))
    const files = zip.entries.filter(entry => !entry.rawName.toString().endsWith('/'))
    expect(files).toHaveLength(4)
    for (const entry of files) {
      expect(entry.flags & FLAG_DATA_DESCRIPTOR).toBe(FLAG_DATA_DESCRIPTOR)
      expect(entry.localFlags & FLAG_DATA_DESCRIPTOR).toBe(FLAG_DATA_DESCRIPTOR)
      // The local header leaves the CRC-32 and compressed size to the descriptor.
      expect([entry.localCrc32, entry.localCompressedSize]).toEqual([0, 0])
    }

    await expectArchiveHolds(zipPath, PACKAGE_FILES, PACKAGE_FOLDERS)
  })

  it('reads an entry zipped from a pipe to a pipe (zip - -): data descriptor and local ZIP64', async () => {
    const zipPath = fresh('stdin.zip')
    const data = Buffer.from(SCRIPT_XML)
    infoZipFromStdin(zipPath, data)
    const [entry] = inspectZip(await readFile(zipPath)).entries
    expect(entry.flags & FLAG_DATA_DESCRIPTOR).toBe(FLAG_DATA_DESCRIPTOR)
    expect(entry.localExtraIds).toContain(ZIP64_EXTRA_ID)
    expect(entry.method).toBe(METHOD_DEFLATED)

    await expectArchiveHolds(zipPath, { '-': data })
  })

  it('reads ZIP64 central directory fields and end records (-fz)', async () => {
    const zipPath = fresh('zip64.zip')
    infoZip(zipPath, packageFolder(), { zip64: true })
    const zip = inspectZip(await readFile(zipPath))
    expect(zip.zip64EndRecord).toBe(true)
    const library = inspectedEntry(zip, 'AppInstallContent/Assemblies/lib.dll')
    expect(library.centralExtraIds).toContain(ZIP64_EXTRA_ID)
    expect(library.fieldUncompressedSize).toBe(0xffffffff)

    await expectArchiveHolds(zipPath, PACKAGE_FILES, PACKAGE_FOLDERS)
  })

  it('reads a symbolic link stored as a link (-y) as a link', async () => {
    const folder = fresh('with-link')
    writeTree(folder, { 'AppInfo.xml': 'info' })
    await symlink('AppInfo.xml', path.join(folder, 'link.xml'))
    const zipPath = fresh('symlink.zip')
    infoZip(zipPath, folder, { links: true })
    const link = inspectedEntry(inspectZip(await readFile(zipPath)), 'link.xml')
    expect((link.externalAttributes >>> 16) & 0o170000).toBe(0o120000)

    const entries = await readZipEntries(zipPath)
    const facts = entries.map(entry => [entry.name, entry.isSymlink, entry.isDirectory])
    expect(facts.sort()).toEqual([
      ['AppInfo.xml', false, false],
      ['link.xml', true, false]
    ])
  })

  it('lists an encrypted entry as encrypted and refuses to read it, clearly', async () => {
    const folder = fresh('secret')
    writeTree(folder, { 'plain.txt': 'plain text', 'secret.txt': 'secret text' })
    const zipPath = fresh('encrypted.zip')
    infoZip(zipPath, folder, { paths: ['plain.txt'] })
    infoZip(zipPath, folder, { paths: ['secret.txt'], password: 'hunter2' })
    const zip = inspectZip(await readFile(zipPath))
    expect(inspectedEntry(zip, 'secret.txt').flags & FLAG_ENCRYPTED).toBe(FLAG_ENCRYPTED)
    expect(inspectedEntry(zip, 'plain.txt').flags & FLAG_ENCRYPTED).toBe(0)

    const archive = await ZipArchive.open(zipPath)
    try {
      const secret = entryNamed(archive, 'secret.txt')
      expect([secret.isEncrypted, entryNamed(archive, 'plain.txt').isEncrypted]).toEqual([
        true,
        false
      ])
      const reading = readEntry(archive, secret)
      await expect(reading).rejects.toThrow(UnsafeArchiveError)
      await expect(reading).rejects.toThrow(/"secret.txt" in the package .*encrypted/)
      expect((await readEntry(archive, entryNamed(archive, 'plain.txt'))).toString()).toBe(
        'plain text'
      )
    } finally {
      archive.close()
    }
  })

  it('reads names without the UTF-8 flag as CP437, as Python does: Info-ZIP on Linux stores raw UTF-8', async () => {
    const folder = fresh('unicode')
    writeTree(folder, { 'Ünïcödé.txt': 'u' })
    const zipPath = fresh('unflagged.zip')
    infoZip(zipPath, folder)
    const [entry] = inspectZip(await readFile(zipPath)).entries
    expect(entry.rawName.equals(Buffer.from('Ünïcödé.txt'))).toBe(true)
    expect(entry.flags & FLAG_UTF8).toBe(0)
    expect(entry.centralExtraIds).not.toContain(0x7075) // no Info-ZIP Unicode Path field either

    const entries = await readZipEntries(zipPath)
    expect(names(entries)).toEqual(pythonNames(zipPath))
    expect(names(entries)).toEqual(['├£n├»c├╢d├⌐.txt'])
  })
})

describe('Python zipfile archives', () => {
  const files = {
    'AppInfo.xml': '<AppInfo/>',
    'Scripts/Script.xml': SCRIPT_XML,
    'Assemblies/lib.dll': LIBRARY,
    'empty.txt': ''
  }

  it('reads stored and deflated entries', async () => {
    const zipPath = fresh('python.zip')
    pythonZip(zipPath, [
      { name: 'AppInfo.xml', data: files['AppInfo.xml'] },
      { name: 'Scripts/', method: 'stored' },
      { name: 'Scripts/Script.xml', data: SCRIPT_XML, method: 'deflated' },
      { name: 'Assemblies/lib.dll', data: LIBRARY, method: 'deflated' },
      { name: 'empty.txt', method: 'deflated' }
    ])
    const zip = inspectZip(await readFile(zipPath))
    expect(zip.entries.map(entry => entry.method)).toEqual([0, 0, 8, 8, 8])

    const entries = await expectArchiveHolds(zipPath, files, ['Scripts/'])
    expect(entries.map(entry => entry.method)).toEqual([0, 0, 8, 8, 8])
  })

  it('reads entries written to a non-seekable stream (data descriptors)', async () => {
    const zipPath = fresh('python-streamed.zip')
    pythonZip(
      zipPath,
      [
        { name: 'AppInfo.xml', data: files['AppInfo.xml'] },
        { name: 'Scripts/Script.xml', data: SCRIPT_XML, method: 'deflated' },
        { name: 'Assemblies/lib.dll', data: LIBRARY },
        { name: 'empty.txt', method: 'deflated' }
      ],
      { streamed: true }
    )
    const zip = inspectZip(await readFile(zipPath))
    for (const entry of zip.entries) {
      expect(entry.flags & FLAG_DATA_DESCRIPTOR).toBe(FLAG_DATA_DESCRIPTOR)
      expect([entry.localCrc32, entry.localCompressedSize, entry.localUncompressedSize]).toEqual([
        0, 0, 0
      ])
    }

    await expectArchiveHolds(zipPath, files)
  })

  it('reads entries with a ZIP64 local header (force_zip64)', async () => {
    const zipPath = fresh('python-zip64.zip')
    pythonZip(zipPath, [
      { name: 'Scripts/Script.xml', data: SCRIPT_XML, method: 'deflated', zip64: true },
      { name: 'Assemblies/lib.dll', data: LIBRARY, zip64: true }
    ])
    const zip = inspectZip(await readFile(zipPath))
    for (const entry of zip.entries) expect(entry.localExtraIds).toContain(ZIP64_EXTRA_ID)

    await expectArchiveHolds(zipPath, {
      'Scripts/Script.xml': SCRIPT_XML,
      'Assemblies/lib.dll': LIBRARY
    })
  })

  it('keeps backslashes in names as .NET writes them on Windows, and reads DOS folder attributes', async () => {
    const zipPath = fresh('dotnet.zip')
    pythonZip(zipPath, [
      {
        name: 'Protocol\\Protocol.xml',
        data: '<Protocol/>',
        madeOn: 'windows',
        dosAttributes: 0x20
      },
      { name: 'Protocol\\Empty\\', madeOn: 'windows', dosAttributes: 0x10 },
      { name: 'Legacy', madeOn: 'windows', dosAttributes: 0x10 },
      { name: 'zero.txt', madeOn: 'windows', dosAttributes: 0x20 }
    ])
    const zip = inspectZip(await readFile(zipPath))
    expect(zip.entries.map(entry => entry.madeOn)).toEqual([HOST_MSDOS, 0, 0, 0])
    expect(inspectedEntry(zip, 'Protocol\\Protocol.xml').rawName.toString()).toBe(
      'Protocol\\Protocol.xml'
    )

    const archive = await ZipArchive.open(zipPath)
    try {
      expect(archive.entries.map(entry => [entry.name, entry.isDirectory])).toEqual([
        ['Protocol\\Protocol.xml', false],
        ['Protocol\\Empty\\', true],
        ['Legacy', true],
        ['zero.txt', false]
      ])
      const xml = await readEntry(archive, entryNamed(archive, 'Protocol\\Protocol.xml'))
      expect(xml.toString()).toBe('<Protocol/>')
    } finally {
      archive.close()
    }
  })

  it('reads UTF-8 flagged names', async () => {
    const zipPath = fresh('utf8.zip')
    const unicode = { 'Ünïcödé/日本語.xml': '<x/>', 'Ελληνικά.txt': 'gr', 'plain.txt': 'p' }
    pythonZip(
      zipPath,
      Object.entries(unicode).map(([name, data]) => ({ name, data }))
    )
    const zip = inspectZip(await readFile(zipPath))
    expect(zip.entries.map(entry => (entry.flags & FLAG_UTF8) !== 0)).toEqual([true, true, false])

    await expectArchiveHolds(zipPath, unicode)
  })

  it('reads CP437 names without the UTF-8 flag, as Windows Explorer writes them', async () => {
    const zipPath = fresh('cp437.zip')
    pythonZip(zipPath, [
      { name: 'Ünïcödé.txt', data: 'u', cp437Name: true },
      { name: 'Straße/ñ.txt', data: 's', cp437Name: true }
    ])
    const zip = inspectZip(await readFile(zipPath))
    expect(zip.entries.map(entry => entry.flags & FLAG_UTF8)).toEqual([0, 0])
    // 'Ü' is 0x9a in CP437 (0xc3 0x9c in UTF-8), 'ß' is 0xe1.
    expect(zip.entries[0].rawName.subarray(0, 1)).toEqual(Buffer.from([0x9a]))
    expect(zip.entries[1].rawName.subarray(0, 6)).toEqual(Buffer.from('Stra\xe1e', 'latin1'))

    await expectArchiveHolds(zipPath, { 'Ünïcödé.txt': 'u', 'Straße/ñ.txt': 's' })
  })

  it('tells folders, files and symbolic links apart by their Unix modes', async () => {
    const zipPath = fresh('modes.zip')
    pythonZip(zipPath, [
      { name: 'folder/' },
      { name: 'folder-without-slash', unixMode: 0o40755 },
      { name: 'zero-length-file', unixMode: 0o100644 },
      { name: 'link', data: 'AppInfo.xml', unixMode: 0o120777 },
      // The same bits from a Windows host are not a Unix mode.
      { name: 'windows-entry', data: 'x', madeOn: 'windows', unixMode: 0o120777 }
    ])
    const zip = inspectZip(await readFile(zipPath))
    expect(inspectedEntry(zip, 'link').externalAttributes >>> 16).toBe(0o120777)

    const entries = await readZipEntries(zipPath)
    expect(entries.map(entry => [entry.name, entry.isDirectory, entry.isSymlink])).toEqual([
      ['folder/', true, false],
      ['folder-without-slash', true, false],
      ['zero-length-file', false, false],
      ['link', false, true],
      ['windows-entry', false, false]
    ])
  })

  it('lists an entry with an unsupported method and refuses to read it', async () => {
    const zipPath = fresh('bzip2.zip')
    pythonZip(zipPath, [{ name: 'packed.xml', data: SCRIPT_XML, method: 'bzip2' }])
    const archive = await ZipArchive.open(zipPath)
    try {
      const [entry] = archive.entries
      expect([entry.name, entry.method]).toEqual(['packed.xml', 12])
      await expect(readEntry(archive, entry)).rejects.toThrow(
        /"packed.xml" in the package could not be read \(.*compression method/
      )
    } finally {
      archive.close()
    }
  })

  it('reads an empty archive', async () => {
    const zipPath = fresh('empty.zip')
    pythonZip(zipPath, [])
    const bytes = await readFile(zipPath)
    expect(bytes).toHaveLength(22)
    expect(startsLikeZip(bytes)).toBe(true)
    expect(await readZipEntries(zipPath)).toEqual([])
  })
})

describe('damaged archives', () => {
  const STORED = 'stored content, checked by its CRC-32'

  /** A small archive of one stored and one deflated entry, and its structure. */
  async function sample() {
    const zipPath = fresh('sample.zip')
    pythonZip(zipPath, [
      { name: 'stored.txt', data: STORED },
      { name: 'doc.xml', data: SCRIPT_XML, method: 'deflated' }
    ])
    const bytes = await readFile(zipPath)
    return { zipPath, bytes, zip: inspectZip(bytes) }
  }

  async function expectReadFails(
    bytes: Buffer,
    name: string,
    message: RegExp
  ): Promise<UnsafeArchiveError> {
    const zipPath = fresh('damaged.zip')
    await writeFile(zipPath, bytes)
    const archive = await ZipArchive.open(zipPath)
    try {
      const error = await readEntry(archive, entryNamed(archive, name)).then(
        () => undefined,
        (thrown: unknown) => thrown
      )
      expect(error).toBeInstanceOf(UnsafeArchiveError)
      expect((error as UnsafeArchiveError).message).toMatch(message)
      expect((error as UnsafeArchiveError).hint).toBe(CORRUPT_HINT)
      // The other entry is still readable: the failure belongs to that entry alone.
      const other = archive.entries.find(entry => entry.name !== name)
      if (other) expect((await readEntry(archive, other)).length).toBe(other.uncompressedSize)
      return error as UnsafeArchiveError
    } finally {
      archive.close()
    }
  }

  it('reads the undamaged sample', async () => {
    const { zipPath } = await sample()
    await expectArchiveHolds(zipPath, { 'stored.txt': STORED, 'doc.xml': SCRIPT_XML })
  })

  it('detects altered stored data by its CRC-32', async () => {
    const { bytes, zip } = await sample()
    const entry = inspectedEntry(zip, 'stored.txt')
    expect(bytes.subarray(entry.dataOffset, entry.dataOffset + 6).toString()).toBe('stored')
    bytes[entry.dataOffset + 3] ^= 0x20

    await expectReadFails(
      bytes,
      'stored.txt',
      /^"stored.txt" in the package fails its CRC-32 check/
    )
  })

  it('keeps the error of an entry that fails before its reader listens', async () => {
    const { bytes, zip } = await sample()
    const entry = inspectedEntry(zip, 'stored.txt')
    bytes[entry.dataOffset + 3] ^= 0x20
    const zipPath = fresh('damaged-early.zip')
    await writeFile(zipPath, bytes)
    const archive = await ZipArchive.open(zipPath)
    try {
      const stream = await archive.openEntry(entryNamed(archive, 'stored.txt'))
      // Long enough for the small entry to be read, checked and failed with no listener yet.
      await new Promise(resolve => setTimeout(resolve, 50))
      const chunks: Buffer[] = []
      const error = await (async () => {
        for await (const chunk of stream) chunks.push(chunk as Buffer)
      })().catch((thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(UnsafeArchiveError)
      expect((error as Error).message).toMatch(/fails its CRC-32 check/)
    } finally {
      archive.close()
    }
  })

  it('detects altered deflated data', async () => {
    const { bytes, zip } = await sample()
    const entry = inspectedEntry(zip, 'doc.xml')
    bytes[entry.dataOffset + Math.floor(entry.compressedSize / 2)] ^= 0x55

    await expectReadFails(bytes, 'doc.xml', /^"doc.xml" in the package /)
  })

  it.each([
    ['more', 1],
    ['fewer', -1]
  ])('detects a deflated entry that declares %s bytes than it holds', async (_, delta) => {
    const { bytes, zip } = await sample()
    const entry = inspectedEntry(zip, 'doc.xml')
    const declared = SCRIPT_XML.length + delta
    // In both records, which must agree: the lie shows only in the data.
    bytes.writeUInt32LE(declared, entry.centralOffset + 24)
    bytes.writeUInt32LE(declared, entry.localOffset + 22)

    await expectReadFails(bytes, 'doc.xml', new RegExp(`^"doc.xml" in the package .*${declared}`))
  })

  it('detects a stored entry whose declared sizes both lie (the data is cut short)', async () => {
    const { bytes, zip } = await sample()
    const entry = inspectedEntry(zip, 'stored.txt')
    for (const field of [entry.centralOffset + 20, entry.centralOffset + 24])
      bytes.writeUInt32LE(STORED.length - 3, field)
    for (const field of [entry.localOffset + 18, entry.localOffset + 22])
      bytes.writeUInt32LE(STORED.length - 3, field)

    await expectReadFails(bytes, 'stored.txt', /fails its CRC-32 check/)
  })

  it('refuses an archive whose stored entry declares two different sizes', async () => {
    const { bytes, zip } = await sample()
    bytes.writeUInt32LE(STORED.length + 1, inspectedEntry(zip, 'stored.txt').centralOffset + 24)
    const zipPath = fresh('size-mismatch.zip')
    await writeFile(zipPath, bytes)

    await expect(ZipArchive.open(zipPath)).rejects.toThrow(
      /not a readable zip archive \(.*size mismatch/
    )
  })

  it('refuses an archive whose entry would run past its end, before reading any entry', async () => {
    const { bytes, zip } = await sample()
    bytes.writeUInt32LE(bytes.length, inspectedEntry(zip, 'doc.xml').centralOffset + 20)
    const zipPath = fresh('overflow.zip')
    await writeFile(zipPath, bytes)

    await expect(ZipArchive.open(zipPath)).rejects.toThrow(
      /^not a readable zip archive \(file data overflows file bounds/
    )
  })

  it.each([
    ['half of it', (bytes: Buffer) => bytes.subarray(0, bytes.length >> 1)],
    ['its last byte', (bytes: Buffer) => bytes.subarray(0, bytes.length - 1)],
    ['its first 100 bytes', (bytes: Buffer) => bytes.subarray(100)]
  ])('refuses an archive missing %s', async (_, cut) => {
    const { bytes } = await sample()
    const zipPath = fresh('truncated.zip')
    await writeFile(zipPath, cut(bytes))

    for (const opening of [ZipArchive.open, readZipEntries]) {
      const error = await opening(zipPath).then(
        () => undefined,
        (thrown: unknown) => thrown
      )
      expect(error).toBeInstanceOf(UnsafeArchiveError)
      expect((error as UnsafeArchiveError).message).toMatch(/^not a readable zip archive \(/)
      expect((error as UnsafeArchiveError).hint).toBe(CORRUPT_HINT)
    }
  })

  it.each([
    ['an HTML page', Buffer.from('<!DOCTYPE html><html><title>Sign in</title></html>')],
    ['an empty file', Buffer.alloc(0)],
    ['a gzip file', Buffer.from('1f8b0800000000000003030000000000000000', 'hex')]
  ])('refuses %s', async (_, bytes) => {
    const zipPath = fresh('not-a-zip.zip')
    await writeFile(zipPath, bytes)
    expect(startsLikeZip(bytes)).toBe(false)
    await expect(ZipArchive.open(zipPath)).rejects.toThrow(UnsafeArchiveError)
    await expect(readZipEntries(zipPath)).rejects.toThrow(/^not a readable zip archive/)
  })

  it('refuses to read an entry of another archive', async () => {
    const first = await sample()
    const second = await sample()
    const archive = await ZipArchive.open(first.zipPath)
    const other = await ZipArchive.open(second.zipPath)
    try {
      await expect(archive.openEntry(other.entries[0])).rejects.toThrow(
        'stored.txt is not an entry of this archive'
      )
    } finally {
      archive.close()
      other.close()
    }
  })
})

describe('archives whose directory and local headers disagree, or whose entries overlap', () => {
  async function opening(bytes: Buffer): Promise<UnsafeArchiveError> {
    const zipPath = fresh('hostile.zip')
    await writeFile(zipPath, bytes)
    const error = await ZipArchive.open(zipPath).then(
      archive => {
        archive.close()
        return undefined
      },
      (thrown: unknown) => thrown
    )
    expect(error).toBeInstanceOf(UnsafeArchiveError)
    return error as UnsafeArchiveError
  }

  it('refuses entries that all point at one local header under other names', async () => {
    const error = await opening(buildSharedHeaderZip(30, 1024 * 1024))
    expect(error).toBeInstanceOf(MalformedArchiveError)
    expect(error.message).toBe(
      'the local header of "part-0000.xml" disagrees with the archive\'s directory: it names "payload.xml"'
    )
  })

  it('refuses entries that share bytes even when every header agrees', async () => {
    const error = await opening(buildNestedZip())
    expect(error.message).toMatch(/the entries "outer.xml" and "inner.xml" share bytes/)
    expect(error).toBeInstanceOf(MalformedArchiveError)
    expect(error.hint).toMatch(/zip bomb/)
  })

  it.each([
    ['method', 8, 2, /method 0 instead of 8/],
    ['compressed size', 18, 4, /compressed size \d+ instead of \d+/],
    ['size', 22, 4, /directory: size \d+ instead of \d+$/]
  ])('refuses a local header whose %s differs', async (_what, field, width, message) => {
    const bytes = buildZip([{ name: 'doc.xml', data: SCRIPT_XML }])
    const entry = inspectZip(bytes).entries[0]
    if (width === 2) bytes.writeUInt16LE(0, entry.localOffset + field)
    else
      bytes.writeUInt32LE(
        bytes.readUInt32LE(entry.localOffset + field) + 1,
        entry.localOffset + field
      )
    expect((await opening(bytes)).message).toMatch(message)
  })

  it('takes a data descriptor, where the local header leaves the sizes at zero', async () => {
    const zipPath = fresh('descriptor.zip')
    pythonZip(zipPath, [{ name: 'a.xml', data: SCRIPT_XML, method: 'deflated' }], {
      streamed: true
    })
    const zip = inspectZip(await readFile(zipPath))
    expect(zip.entries[0].localFlags & FLAG_DATA_DESCRIPTOR).toBe(FLAG_DATA_DESCRIPTOR)
    const archive = await ZipArchive.open(zipPath)
    try {
      expect((await readEntry(archive, archive.entries[0])).toString()).toBe(SCRIPT_XML)
    } finally {
      archive.close()
    }
  })
})

describe('startsLikeZip', () => {
  it('recognises the first bytes of real archives', async () => {
    const zipPath = fresh('start.zip')
    infoZip(zipPath, packageFolder())
    const piped = fresh('start-piped.zip')
    infoZipFromStdin(piped, Buffer.from('x'))
    const python = fresh('start-python.zip')
    pythonZip(python, [{ name: 'a', data: 'a' }], { streamed: true })
    for (const file of [zipPath, piped, python]) {
      expect(startsLikeZip((await readFile(file)).subarray(0, 4096))).toBe(true)
    }
  })

  it.each([
    ['nothing', ''],
    ['a part of the signature', 'PK\x03'],
    ['a central directory header', 'PK\x01\x02 and more'],
    ['text that starts with PK', 'PKG file'],
    ['JSON', '{"error":"not found"}']
  ])('is false for %s', (_, start) => {
    expect(startsLikeZip(Buffer.from(start, 'latin1'))).toBe(false)
  })
})
