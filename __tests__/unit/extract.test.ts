// Planning and unpacking real packages made by Info-ZIP zip and Python's zipfile (see
// __tests__/helpers/real-archives.ts): what a safe package unpacks to, what a hostile or damaged
// one is refused with (leaving nothing behind), cancellation, and recognising an earlier unpack.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  writeFile
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { CancelScope } from '../../src/core/step/cancel-scope.js'
import { differenceFrom } from '../../src/core/zip/folder-difference.js'
import {
  extractedFolderFor,
  planExtraction,
  unpackToStaging,
  type PlannedEntry
} from '../../src/core/zip/extract.js'
import { CancelledError } from '../../src/core/step/errors.js'
import { UnsafeArchiveError } from '../../src/core/zip/errors.js'
import { CORRUPT_HINT, ZipArchive, type ZipEntry } from '../../src/core/zip/zip-archive.js'
import {
  FLAG_DATA_DESCRIPTOR,
  FLAG_ENCRYPTED,
  infoZip,
  inspectedEntry,
  inspectZip,
  pythonZip,
  writeTree,
  ZIP64_EXTRA_ID,
  type PythonEntry,
  noise,
  SCRIPT_XML
} from '../helpers/real-archives.js'

const NAME = 'App 1.0.0.1'

let root: string
/** Where the archives are made. */
let archives: string
/** The download folder: the destination and its staging folders go here, nothing else. */
let work: string
let destination: string

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'extract-'))
  archives = path.join(root, 'archives')
  work = path.join(root, 'work')
  destination = path.join(work, NAME)
  await mkdir(archives)
  await mkdir(work)
})

afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A package's contents: nested files, an empty file, an empty folder, text and binary bytes. */
const PACKAGE: Record<string, string | Buffer> = {
  'AppInfo.xml': '<AppInfo><Name>App</Name></AppInfo>\n',
  'AppInstallContent/Scripts/Script.xml': SCRIPT_XML,
  'AppInstallContent/Assemblies/lib.dll': noise(70_000, 'lib'),
  'AppInstallContent/Empty/': '',
  'empty.txt': ''
}
const PACKAGE_FILE_COUNT = 4
const PACKAGE_BYTES = Object.values(PACKAGE).reduce((sum, data) => sum + data.length, 0)

/** The package as Info-ZIP zips its folder; returns the archive's path and the folder. */
function infoZipPackage(options: Parameters<typeof infoZip>[2] = {}) {
  const source = path.join(archives, 'source')
  writeTree(source, PACKAGE)
  const zipPath = path.join(archives, `${NAME}.dmapp`)
  infoZip(zipPath, source, options)
  return { zipPath, source }
}

function pythonPackage(entries: PythonEntry[], options?: { streamed?: boolean }): string {
  const zipPath = path.join(archives, `${NAME}.dmapp`)
  pythonZip(zipPath, entries, options)
  return zipPath
}

/** Every file and folder under `dir`, as sorted relative paths with `/`. */
async function listTree(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true })
  return found.map(name => name.split(path.sep).join('/')).sort()
}

/** Every path under the test's root, what it is and the bytes of its files: to prove nothing changed. */
async function snapshot(
  dir = root,
  into: Record<string, string> = {}
): Promise<Record<string, string>> {
  for (const item of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name)
    const name = path.relative(root, full).split(path.sep).join('/')
    if (item.isDirectory()) {
      into[name] = 'folder'
      await snapshot(full, into)
    } else if (item.isSymbolicLink()) {
      into[name] = `link to ${await readlink(full)}`
    } else {
      into[name] = createHash('sha256')
        .update(await readFile(full))
        .digest('hex')
    }
  }
  return into
}

async function withArchive<T>(zipPath: string, use: (archive: ZipArchive) => Promise<T>) {
  const archive = await ZipArchive.open(zipPath)
  try {
    return await use(archive)
  } finally {
    archive.close()
  }
}

/** Plans and unpacks, as the download does; returns the staging folder. */
async function planAndUnpack(zipPath: string, scope = new CancelScope('dataminer-catalog')) {
  return withArchive(zipPath, async archive => {
    const plan = planExtraction(archive.entries, NAME)
    const unpacked = await unpackToStaging(archive, plan, destination, NAME, scope)
    return { plan, ...unpacked }
  })
}

/**
 * Calls `hook` whenever the unpacking opens an entry; the hook opens the entry's stream itself
 * (and returns it at once: the stream may fail as soon as it is opened).
 */
function interceptOpen(
  archive: ZipArchive,
  hook: (entry: ZipEntry, open: () => Promise<Readable>) => Promise<Readable>
): void {
  const openEntry = archive.openEntry.bind(archive)
  archive.openEntry = entry => hook(entry, () => openEntry(entry))
  // Small entries are read whole, without a stream: the hook sees them as a one-chunk stream.
  const readSmallEntry = archive.readSmallEntry.bind(archive)
  archive.readSmallEntry = async entry => {
    const stream = await hook(entry, async () => Readable.from([await readSmallEntry(entry)]))
    return Buffer.concat((await stream.toArray()) as Buffer[])
  }
}

/** The unpacked files of `dir` are byte-identical to `files`, and nothing else is there. */
async function expectFolderHolds(dir: string, files: Record<string, string | Buffer>) {
  const expectedTree = new Set<string>()
  for (const name of Object.keys(files)) {
    const parts = name.replace(/\/$/, '').split('/')
    for (let i = 1; i <= parts.length; i++) expectedTree.add(parts.slice(0, i).join('/'))
  }
  expect(await listTree(dir)).toEqual([...expectedTree].sort())
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) continue
    const written = await readFile(path.join(dir, ...name.split('/')))
    expect([name, written.equals(Buffer.from(data))]).toEqual([name, true])
  }
}

describe('extractedFolderFor', () => {
  it('names the folder after the file without its extension', () => {
    expect(extractedFolderFor(path.join('out', 'App 1.0.0.1.dmapp'))).toBe(
      path.join('out', 'App 1.0.0.1')
    )
    expect(extractedFolderFor(path.join('out', 'proto.dmprotocol'))).toBe(path.join('out', 'proto'))
  })

  it('appends -extracted when the file has no extension', () => {
    expect(extractedFolderFor(path.join('out', 'package'))).toBe(
      path.join('out', 'package-extracted')
    )
    expect(extractedFolderFor(path.join('out', '.dmapp'))).toBe(
      path.join('out', '.dmapp-extracted')
    )
  })
})

describe('unpacking a safe package', () => {
  it('unpacks an Info-ZIP package into a hidden staging folder beside the destination', async () => {
    const { zipPath } = infoZipPackage()

    const { staging, files, bytes } = await planAndUnpack(zipPath)

    expect(path.dirname(staging)).toBe(work)
    expect(path.basename(staging)).toMatch(/^\.dataminer-catalog-.+\.partial$/)
    expect(await readdir(work)).toEqual([path.basename(staging)])
    expect(existsSync(destination)).toBe(false)
    await expectFolderHolds(staging, PACKAGE)
    expect({ files, bytes }).toEqual({ files: PACKAGE_FILE_COUNT, bytes: PACKAGE_BYTES })
  })

  it('unpacks a stored Info-ZIP package', async () => {
    const { zipPath } = infoZipPackage({ store: true })
    const { staging } = await planAndUnpack(zipPath)
    await expectFolderHolds(staging, PACKAGE)
  })

  it('unpacks a Python package with data descriptors and ZIP64 headers', async () => {
    const zipPath = pythonPackage(
      [
        { name: 'AppInfo.xml', data: PACKAGE['AppInfo.xml'], method: 'deflated' },
        { name: 'AppInstallContent/' },
        { name: 'AppInstallContent/Scripts/Script.xml', data: SCRIPT_XML, method: 'deflated' },
        {
          name: 'AppInstallContent/Assemblies/lib.dll',
          data: PACKAGE['AppInstallContent/Assemblies/lib.dll'],
          zip64: true
        },
        { name: 'AppInstallContent/Empty/' },
        { name: 'empty.txt', method: 'deflated' }
      ],
      { streamed: true }
    )
    const zip = inspectZip(await readFile(zipPath))
    expect(zip.entries.every(entry => entry.flags & FLAG_DATA_DESCRIPTOR)).toBe(true)
    expect(inspectedEntry(zip, 'AppInstallContent/Assemblies/lib.dll').localExtraIds).toContain(
      ZIP64_EXTRA_ID
    )

    const { staging, files, bytes } = await planAndUnpack(zipPath)

    await expectFolderHolds(staging, PACKAGE)
    expect({ files, bytes }).toEqual({ files: PACKAGE_FILE_COUNT, bytes: PACKAGE_BYTES })
  })

  it('turns the backslashes .NET writes on Windows into folders', async () => {
    const zipPath = pythonPackage([
      { name: 'Protocol\\Protocol.xml', data: '<Protocol/>', madeOn: 'windows' },
      { name: 'Protocol\\Empty\\', madeOn: 'windows', dosAttributes: 0x10 },
      { name: 'Protocol\\Help\\index.html', data: '<p>help</p>', madeOn: 'windows' }
    ])

    const { staging, plan } = await planAndUnpack(zipPath)

    expect(plan.map(entry => entry.segments)).toEqual([
      ['Protocol', 'Protocol.xml'],
      ['Protocol', 'Empty'],
      ['Protocol', 'Help', 'index.html']
    ])
    await expectFolderHolds(staging, {
      'Protocol/Protocol.xml': '<Protocol/>',
      'Protocol/Empty/': '',
      'Protocol/Help/index.html': '<p>help</p>'
    })
  })

  it('writes Unicode names, flagged UTF-8 or in CP437', async () => {
    const zipPath = pythonPackage([
      { name: 'Ünïcödé/日本語.xml', data: 'utf-8' },
      { name: 'Straße.txt', data: 'cp437', cp437Name: true }
    ])
    const { staging } = await planAndUnpack(zipPath)
    await expectFolderHolds(staging, { 'Ünïcödé/日本語.xml': 'utf-8', 'Straße.txt': 'cp437' })
  })

  it('reads a control byte of a name without the UTF-8 flag as its CP437 glyph, and writes that', async () => {
    const zipPath = pythonPackage([{ name: 'new\nline', data: 'x' }])
    const [entry] = inspectZip(await readFile(zipPath)).entries
    expect(entry.rawName).toEqual(Buffer.from('new\nline'))

    const { staging } = await planAndUnpack(zipPath)
    expect(await readdir(staging)).toEqual(['new\u25d9line'])
  })

  it('drops "." and empty parts of names, and accepts repeated folder entries', async () => {
    const zipPath = pythonPackage([
      { name: './AppInfo.xml', data: 'info' },
      { name: 'Scripts//a.xml', data: 'a' },
      { name: 'Scripts/' },
      { name: 'scripts/' },
      { name: './' }
    ])
    const { staging, plan } = await planAndUnpack(zipPath)
    expect(plan.map(entry => entry.segments)).toEqual([
      ['AppInfo.xml'],
      ['Scripts', 'a.xml'],
      ['Scripts'],
      ['scripts'],
      []
    ])
    expect(await listTree(staging)).toEqual(['AppInfo.xml', 'Scripts', 'Scripts/a.xml', 'scripts'])
  })
})

describe('refusing a hostile package', () => {
  /** Plans and unpacks; it must fail, naming the problems, and leave everything as it was. */
  async function expectRefused(zipPath: string, ...messages: (string | RegExp)[]) {
    const before = await snapshot()
    const attempt = planAndUnpack(zipPath)
    await expect(attempt).rejects.toThrow(UnsafeArchiveError)
    const error = (await attempt.catch((thrown: unknown) => thrown)) as UnsafeArchiveError
    expect(error.message).toMatch(
      /^The package App 1\.0\.0\.1 was not unpacked: \d+ of its entries/
    )
    for (const message of messages) expect(error.message).toMatch(message)
    expect(error.hint).toMatch(/^Nothing was written/)
    expect(await snapshot()).toEqual(before)
    expect(await readdir(work)).toEqual([])
  }

  it.each([
    ['../evil', 'contains a ".." segment'],
    ['a/../../b', 'contains a ".." segment'],
    ['..\\evil', 'contains a ".." segment'],
    ['a\\..\\..\\b', 'contains a ".." segment'],
    ['/abs', 'is an absolute path'],
    ['\\abs', 'is an absolute path'],
    ['//server/share/x', 'is a UNC path'],
    ['\\\\server\\share\\x', 'is a UNC path'],
    ['C:\\x', 'starts with a drive letter'],
    ['c:/x', 'starts with a drive letter'],
    ['C:x', 'starts with a drive letter'],
    ['nëw\nline', 'contains a NUL or control character'],
    ['tab\tin UTF-8 ✓', 'contains a NUL or control character'],
    ['file.txt:stream', 'contains a character Windows does not allow'],
    ['what?.txt', 'contains a character Windows does not allow'],
    ['trailing.', 'has a part ending in a dot or space'],
    ['folder /file', 'has a part ending in a dot or space'],
    ['CON', 'uses a Windows device name'],
    ['dir/aux.txt', 'uses a Windows device name'],
    ['.', 'has no file name']
  ])('refuses the entry %j: %s', async (name, reason) => {
    const zipPath = pythonPackage([
      { name: 'AppInfo.xml', data: 'fine' },
      { name, data: 'evil' }
    ])
    await expectRefused(zipPath, `${JSON.stringify(name)}: ${reason}`)
  })

  it('refuses a symbolic link entry (Python: a Unix mode)', async () => {
    const zipPath = pythonPackage([
      { name: 'AppInfo.xml', data: 'fine' },
      { name: 'passwd', data: '/etc/passwd', unixMode: 0o120777 }
    ])
    await expectRefused(zipPath, '"passwd": is a symbolic link')
  })

  it('refuses a symbolic link entry (Info-ZIP -y)', async () => {
    const source = path.join(archives, 'linked')
    writeTree(source, { 'AppInfo.xml': 'fine' })
    await symlink('/etc', path.join(source, 'etc'))
    const zipPath = path.join(archives, `${NAME}.dmapp`)
    infoZip(zipPath, source, { links: true })
    await expectRefused(zipPath, '"etc": is a symbolic link')
  })

  it('refuses an encrypted entry', async () => {
    const { zipPath, source } = infoZipPackage()
    writeTree(source, { 'secret.txt': 'secret' })
    infoZip(zipPath, source, { paths: ['secret.txt'], password: 'hunter2' })
    const secret = inspectedEntry(inspectZip(await readFile(zipPath)), 'secret.txt')
    expect(secret.flags & FLAG_ENCRYPTED).toBe(FLAG_ENCRYPTED)

    await expectRefused(zipPath, /"secret.txt": is encrypted \(password-protected/)
  })

  it('refuses an entry compressed with another method than deflate', async () => {
    const zipPath = pythonPackage([
      { name: 'AppInfo.xml', data: 'fine', method: 'deflated' },
      { name: 'bzip2.xml', data: SCRIPT_XML, method: 'bzip2' },
      { name: 'lzma.xml', data: SCRIPT_XML, method: 'lzma' }
    ])
    await expectRefused(
      zipPath,
      '"bzip2.xml": uses unsupported compression method 12',
      '"lzma.xml": uses unsupported compression method 14'
    )
  })

  it('refuses the same name twice', async () => {
    const zipPath = pythonPackage([
      { name: 'AppInfo.xml', data: 'one' },
      { name: 'AppInfo.xml', data: 'two' }
    ])
    await expectRefused(zipPath, '"AppInfo.xml" and "AppInfo.xml": map to the same file')
  })

  it('refuses names that differ only in case', async () => {
    const zipPath = pythonPackage([
      { name: 'Scripts/Readme.txt', data: 'one' },
      { name: 'scripts/README.TXT', data: 'two' }
    ])
    await expectRefused(
      zipPath,
      '"Scripts/Readme.txt" and "scripts/README.TXT": map to the same file'
    )
  })

  it('refuses names that differ only in Unicode normalisation', async () => {
    const composed = 'caf\u00e9.txt'
    const decomposed = 'cafe\u0301.txt'
    const zipPath = pythonPackage([
      { name: composed, data: 'one' },
      { name: decomposed, data: 'two' }
    ])
    await expectRefused(
      zipPath,
      `${JSON.stringify(composed)} and ${JSON.stringify(decomposed)}: map to the same file`
    )
  })

  it('refuses a path that is both a file and a folder', async () => {
    const zipPath = pythonPackage([
      { name: 'a', data: 'file' },
      { name: 'A/b.txt', data: 'inside' }
    ])
    await expectRefused(zipPath, '"a" and "A/b.txt": the same path is both a file and a folder')
  })

  it('lists every problem at once, naming at most five', async () => {
    const hostile = ['../1', '/2', 'C:\\3', '../4', '../5', '../6', '../7']
    const zipPath = pythonPackage([
      { name: 'AppInfo.xml', data: 'fine' },
      ...hostile.map(name => ({ name, data: 'x' }))
    ])
    await expectRefused(zipPath, /7 of its entries/, '"C:\\\\3"', '"../5"', /and 2 more$/)
    const error = await planAndUnpack(zipPath).then(
      () => new Error('it was unpacked'),
      (thrown: Error) => thrown
    )
    expect(error.message).toMatch(/^The package App 1\.0\.0\.1 was not unpacked/)
    expect(error.message).not.toContain('"../6"')
  })

  it('never writes outside the staging folder, even for a plan that was not checked', async () => {
    const zipPath = pythonPackage([
      { name: 'AppInfo.xml', data: 'fine' },
      { name: '../evil', data: 'evil' }
    ])
    const before = await snapshot()
    await withArchive(zipPath, async archive => {
      const unchecked: PlannedEntry[] = archive.entries.map(entry => ({
        entry,
        segments: entry.name.split('/')
      }))
      const attempt = unpackToStaging(archive, unchecked, destination, NAME, new CancelScope())
      await expect(attempt).rejects.toThrow(UnsafeArchiveError)
      await expect(attempt).rejects.toThrow(
        'The package App 1.0.0.1 could not be unpacked: The package entry "../evil" resolves outside the destination folder.'
      )
    })
    expect(await snapshot()).toEqual(before)
  })
})

describe('a package that fails while unpacking', () => {
  const entries: PythonEntry[] = [
    { name: 'AppInfo.xml', data: 'fine' },
    { name: 'Scripts/Script.xml', data: SCRIPT_XML, method: 'deflated' },
    { name: 'data.bin', data: 'stored content, checked by its CRC-32' },
    { name: 'z-last.txt', data: 'never reached' }
  ]

  /** Unpacks, recording what the staging folder held when each entry was opened. */
  async function unpackRecording(zipPath: string, scope: CancelScope, onOpen = () => {}) {
    const seen: Record<string, string[]> = {}
    const attempt = withArchive(zipPath, async archive => {
      const plan = planExtraction(archive.entries, NAME)
      interceptOpen(archive, async (entry, open) => {
        const [staging] = await readdir(work)
        seen[entry.name] = await listTree(path.join(work, staging))
        onOpen()
        return open()
      })
      return unpackToStaging(archive, plan, destination, NAME, scope)
    })
    const error = await attempt.then(
      () => undefined,
      (thrown: unknown) => thrown as Error
    )
    return { error, seen }
  }

  it('fails on a CRC-32 mismatch, naming the package, and removes the staging folder', async () => {
    const zipPath = pythonPackage(entries)
    const bytes = await readFile(zipPath)
    const data = inspectedEntry(inspectZip(bytes), 'data.bin')
    bytes[data.dataOffset] ^= 0x01
    await writeFile(zipPath, bytes)

    const { error, seen } = await unpackRecording(zipPath, new CancelScope())

    expect(error).toBeInstanceOf(UnsafeArchiveError)
    expect(error?.message).toMatch(
      /^The package App 1\.0\.0\.1 could not be unpacked: "data.bin" in the package fails its CRC-32 check/
    )
    expect((error as UnsafeArchiveError).hint).toBe(CORRUPT_HINT)
    // It had written the entries before the damaged one, and removed them with the folder.
    expect(seen['data.bin']).toEqual(['AppInfo.xml', 'Scripts', 'Scripts/Script.xml'])
    expect(Object.keys(seen)).not.toContain('z-last.txt')
    expect(await readdir(work)).toEqual([])
  })

  it('fails on an entry that declares fewer bytes than it holds, and removes the staging folder', async () => {
    const zipPath = pythonPackage(entries)
    const bytes = await readFile(zipPath)
    const script = inspectedEntry(inspectZip(bytes), 'Scripts/Script.xml')
    // In both records, which must agree: the lie shows only in the data.
    bytes.writeUInt32LE(SCRIPT_XML.length - 100, script.centralOffset + 24)
    bytes.writeUInt32LE(SCRIPT_XML.length - 100, script.localOffset + 22)
    await writeFile(zipPath, bytes)

    const { error, seen } = await unpackRecording(zipPath, new CancelScope())

    expect(error).toBeInstanceOf(UnsafeArchiveError)
    expect(error?.message).toMatch(
      /^The package App 1\.0\.0\.1 could not be unpacked: "Scripts\/Script.xml" in the package/
    )
    expect(seen['Scripts/Script.xml']).toEqual(['AppInfo.xml', 'Scripts'])
    expect(await readdir(work)).toEqual([])
  })

  it('fails clearly when the destination folder has no parent', async () => {
    const { zipPath } = infoZipPackage()
    destination = path.join(work, 'missing', NAME)
    const attempt = planAndUnpack(zipPath)
    // (Jest's own Error class makes the message read "Error: ENOENT"; Node's just "ENOENT".)
    await expect(attempt).rejects.toThrow(
      /^Could not unpack the package App 1\.0\.0\.1: (Error: )?ENOENT: .* mkdir /
    )
    expect(await readdir(work)).toEqual([])
  })
})

describe('cancelling', () => {
  const entries: PythonEntry[] = [
    { name: 'AppInfo.xml', data: 'fine' },
    { name: 'Scripts/Script.xml', data: SCRIPT_XML, method: 'deflated' },
    // Large enough to be read in many chunks.
    { name: 'Assemblies/lib.dll', data: noise(400_000, 'big lib') },
    { name: 'z-last.txt', data: 'never reached' }
  ]

  it('unpacks nothing once the run is cancelled', async () => {
    const zipPath = pythonPackage(entries)
    const scope = new CancelScope()
    scope.cancel('SIGINT')
    const opened: string[] = []

    const attempt = withArchive(zipPath, async archive => {
      const plan = planExtraction(archive.entries, NAME)
      interceptOpen(archive, async (entry, open) => {
        opened.push(entry.name)
        return open()
      })
      return unpackToStaging(archive, plan, destination, NAME, scope)
    })

    await expect(attempt).rejects.toThrow(CancelledError)
    await expect(attempt).rejects.toThrow(/cancelled \(SIGINT\)/)
    expect(opened).toEqual([])
    expect(await readdir(work)).toEqual([])
  })

  it('stops between two entries and removes what it wrote', async () => {
    const zipPath = pythonPackage(entries)
    const scope = new CancelScope()
    const opened: string[] = []
    let held: string[] = []

    const attempt = withArchive(zipPath, async archive => {
      const plan = planExtraction(archive.entries, NAME)
      interceptOpen(archive, async (entry, open) => {
        opened.push(entry.name)
        if (entry.name === 'Assemblies/lib.dll') {
          const [staging] = await readdir(work)
          held = await listTree(path.join(work, staging))
          scope.cancel('SIGTERM')
        }
        return open()
      })
      return unpackToStaging(archive, plan, destination, NAME, scope)
    })

    await expect(attempt).rejects.toThrow(CancelledError)
    await expect(attempt).rejects.toThrow(/cancelled \(SIGTERM\)/)
    expect(held).toEqual(['AppInfo.xml', 'Assemblies', 'Scripts', 'Scripts/Script.xml'])
    expect(opened).not.toContain('z-last.txt')
    expect(await readdir(work)).toEqual([])
  })

  it('stops in the middle of an entry and removes the partial file', async () => {
    const zipPath = pythonPackage(entries)
    const scope = new CancelScope()
    const opened: string[] = []
    let bytesBeforeCancel = 0
    let chunksAfterCancel = 0

    const attempt = withArchive(zipPath, async archive => {
      const plan = planExtraction(archive.entries, NAME)
      interceptOpen(archive, async (entry, open) => {
        opened.push(entry.name)
        const stream = await open()
        if (entry.name !== 'Assemblies/lib.dll') return stream
        // Passes the first chunk of lib.dll on, then cancels: the entry is half written.
        const cancelling = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            if (scope.cancelled) {
              chunksAfterCancel++
            } else {
              bytesBeforeCancel += chunk.length
              scope.cancel('SIGINT')
            }
            done(null, chunk)
          }
        })
        cancelling.on('close', () => stream.destroy())
        return stream.pipe(cancelling)
      })
      return unpackToStaging(archive, plan, destination, NAME, scope)
    })

    await expect(attempt).rejects.toThrow(CancelledError)
    expect(bytesBeforeCancel).toBeGreaterThan(0)
    expect(bytesBeforeCancel).toBeLessThan(entries[2].data?.length ?? 0)
    // The cancel stopped the copy at once: not one more chunk of lib.dll was read.
    expect(chunksAfterCancel).toBe(0)
    expect(opened).not.toContain('z-last.txt')
    expect(await readdir(work)).toEqual([])
  })
})

describe('differenceFrom', () => {
  /** The package unpacked and renamed to its destination, as an earlier run left it. */
  async function earlierUnpack(): Promise<{ plan: PlannedEntry[]; source: string }> {
    const { zipPath, source } = infoZipPackage()
    const { plan, staging } = await planAndUnpack(zipPath)
    await rename(staging, destination)
    return { plan, source }
  }

  const at = (...parts: string[]) => path.join(destination, ...parts)

  it('finds no difference in the folder the package unpacked to, or in the folder it was made of', async () => {
    const { plan, source } = await earlierUnpack()
    expect(await differenceFrom(destination, plan)).toBeUndefined()
    expect(await differenceFrom(source, plan)).toBeUndefined()
  })

  it('finds no difference for a package with Windows separators', async () => {
    const zipPath = pythonPackage([
      { name: 'Protocol\\Protocol.xml', data: '<Protocol/>', madeOn: 'windows' },
      { name: 'Protocol\\Empty\\', madeOn: 'windows', dosAttributes: 0x10 }
    ])
    const { plan, staging } = await planAndUnpack(zipPath)
    expect(await differenceFrom(staging, plan)).toBeUndefined()
  })

  it.each<[string, () => Promise<unknown>, string]>([
    [
      'an extra file',
      () => writeFile(at('extra.txt'), 'x'),
      'it holds a file "extra.txt" that the package does not'
    ],
    [
      'an extra file in a subfolder',
      () => writeFile(at('AppInstallContent', 'Scripts', 'extra.xml'), ''),
      'it holds a file "AppInstallContent/Scripts/extra.xml" that the package does not'
    ],
    [
      'an extra empty folder',
      () => mkdir(at('AppInstallContent', 'Extra')),
      'it holds a folder "AppInstallContent/Extra" that the package does not'
    ],
    [
      'a missing file',
      () => rm(at('AppInstallContent', 'Scripts', 'Script.xml')),
      'it lacks the package\'s file "AppInstallContent/Scripts/Script.xml"'
    ],
    ['a missing empty file', () => rm(at('empty.txt')), 'it lacks the package\'s file "empty.txt"'],
    [
      'a changed byte',
      async () => {
        const bytes = await readFile(at('AppInstallContent', 'Assemblies', 'lib.dll'))
        bytes[bytes.length - 1] ^= 0x80
        await writeFile(at('AppInstallContent', 'Assemblies', 'lib.dll'), bytes)
      },
      'its file "AppInstallContent/Assemblies/lib.dll" differs from the package\'s'
    ],
    [
      'the same size with other content',
      () => writeFile(at('AppInfo.xml'), '<AppInfo><Name>Bad</Name></AppInfo>\n'),
      'its file "AppInfo.xml" differs from the package\'s'
    ],
    [
      'an appended byte',
      () => writeFile(at('AppInfo.xml'), `${PACKAGE['AppInfo.xml']} `),
      'its file "AppInfo.xml" differs from the package\'s'
    ],
    [
      'a file emptied',
      () => writeFile(at('AppInfo.xml'), ''),
      'its file "AppInfo.xml" differs from the package\'s'
    ],
    [
      'a folder where a file belongs',
      async () => {
        await rm(at('empty.txt'))
        await mkdir(at('empty.txt'))
      },
      'it holds a folder "empty.txt" that the package does not'
    ],
    [
      'a symbolic link to an identical copy of a file',
      async () => {
        await cp(at('AppInfo.xml'), path.join(work, 'copy.xml'))
        await rm(at('AppInfo.xml'))
        await symlink(path.join(work, 'copy.xml'), at('AppInfo.xml'))
      },
      '"AppInfo.xml" in it is not a plain file or folder'
    ],
    [
      'a symbolic link to an identical copy of a folder',
      async () => {
        await cp(at('AppInstallContent'), path.join(work, 'copy'), { recursive: true })
        await rm(at('AppInstallContent'), { recursive: true })
        await symlink(path.join(work, 'copy'), at('AppInstallContent'))
      },
      '"AppInstallContent" in it is not a plain file or folder'
    ],
    [
      'an empty folder of the package removed',
      () => rm(at('AppInstallContent', 'Empty'), { recursive: true }),
      'it lacks the package\'s folder "AppInstallContent/Empty"'
    ]
  ])('gives a reason for %s', async (_, change, reason) => {
    const { plan } = await earlierUnpack()
    await change()
    expect(await differenceFrom(destination, plan)).toBe(reason)
  })

  it('compares bytes with the unpacked copy, not only size and CRC-32, when it has one', async () => {
    const { plan } = await earlierUnpack()
    const unpacked = path.join(work, 'unpacked')
    await cp(destination, unpacked, { recursive: true })
    expect(await differenceFrom(destination, plan, unpacked)).toBeUndefined()
    // The copy differs while the folder still matches the package's sizes and CRCs: only a
    // comparison of the bytes themselves can tell (a crafted file could match size and CRC).
    await writeFile(path.join(unpacked, 'AppInfo.xml'), `${PACKAGE['AppInfo.xml']}`.toUpperCase())
    expect(await differenceFrom(destination, plan)).toBeUndefined()
    expect(await differenceFrom(destination, plan, unpacked)).toBe(
      'its file "AppInfo.xml" differs from the package\'s'
    )
  })
})
