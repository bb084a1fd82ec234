import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { buildZip, type ZipEntryInput } from '../../emulator/zip-writer.js'
import {
  assertSafeToExtract,
  extractedFolderFor,
  extractPackage
} from '../../src/download/extract.js'
import { UnsafeArchiveError } from '../../src/errors.js'

let root: string
let work: string

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'extract-'))
  // The package sits one level down, so an escape to ".." would land in `root`, where we look.
  work = path.join(root, 'work')
  await mkdir(work)
})

afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

async function writePackage(entries: ZipEntryInput[] | Buffer): Promise<string> {
  const zipPath = path.join(work, 'App 1.0.0.1.dmapp')
  await writeFile(zipPath, Buffer.isBuffer(entries) ? entries : buildZip(entries))
  return zipPath
}

async function exists(filePath: string): Promise<boolean> {
  return stat(filePath).then(
    () => true,
    () => false
  )
}

/** Every file and folder under `dir`, as sorted relative paths with `/`. */
async function listTree(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true })
  return found.map(name => name.split(path.sep).join('/')).sort()
}

async function expectNothingWritten(destination: string): Promise<void> {
  expect(await exists(destination)).toBe(false)
  expect(await readdir(work)).toEqual(['App 1.0.0.1.dmapp'])
  expect(await readdir(root)).toEqual(['work'])
}

const normalPackage: ZipEntryInput[] = [
  { name: 'AppInfo.xml', data: '<AppInfo><Name>App</Name></AppInfo>' },
  { name: 'AppInstallContent/' },
  { name: 'AppInstallContent/Scripts/Script.xml', data: 'script '.repeat(2000) },
  { name: 'AppInstallContent/Assemblies/lib.dll', data: Buffer.from([0, 1, 2, 250]), store: true },
  { name: 'empty.txt', data: '' }
]

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

describe('extractPackage', () => {
  it('unpacks files and nested folders with their content', async () => {
    const zipPath = await writePackage(normalPackage)
    const destination = extractedFolderFor(zipPath)

    const result = await extractPackage(zipPath, destination)

    expect(await listTree(destination)).toEqual([
      'AppInfo.xml',
      'AppInstallContent',
      'AppInstallContent/Assemblies',
      'AppInstallContent/Assemblies/lib.dll',
      'AppInstallContent/Scripts',
      'AppInstallContent/Scripts/Script.xml',
      'empty.txt'
    ])
    expect(await readFile(path.join(destination, 'AppInfo.xml'), 'utf8')).toBe(
      '<AppInfo><Name>App</Name></AppInfo>'
    )
    expect(
      await readFile(path.join(destination, 'AppInstallContent', 'Scripts', 'Script.xml'), 'utf8')
    ).toBe('script '.repeat(2000))
    expect(
      await readFile(path.join(destination, 'AppInstallContent', 'Assemblies', 'lib.dll'))
    ).toEqual(Buffer.from([0, 1, 2, 250]))
    expect(result).toEqual({ files: 4, bytes: 35 + 14000 + 4 })
    expect((await readdir(work)).sort()).toEqual(['App 1.0.0.1', 'App 1.0.0.1.dmapp'])
  })

  it('creates a missing parent folder for the destination', async () => {
    const zipPath = await writePackage(normalPackage)
    const destination = path.join(work, 'deeper', 'out')
    await extractPackage(zipPath, destination)
    expect(await exists(path.join(destination, 'AppInfo.xml'))).toBe(true)
  })

  it('replaces an existing destination folder', async () => {
    const zipPath = await writePackage(normalPackage)
    const destination = extractedFolderFor(zipPath)
    await mkdir(path.join(destination, 'old'), { recursive: true })
    await writeFile(path.join(destination, 'old', 'stale.txt'), 'stale')
    await writeFile(path.join(destination, 'AppInfo.xml'), 'stale')

    await extractPackage(zipPath, destination)

    expect(await exists(path.join(destination, 'old'))).toBe(false)
    expect(await readFile(path.join(destination, 'AppInfo.xml'), 'utf8')).toContain('<AppInfo>')
    expect((await readdir(work)).sort()).toEqual(['App 1.0.0.1', 'App 1.0.0.1.dmapp'])
  })

  it.each([
    ['../evil'],
    ['a/../../evil'],
    ['..\\evil'],
    ['a\\..\\..\\evil'],
    ['/abs'],
    ['\\abs'],
    ['C:\\evil'],
    ['C:evil'],
    ['c:/evil'],
    ['\\\\server\\share\\evil'],
    ['//server/share/evil'],
    ['nul\u0000byte'],
    ['new\nline'],
    ['file.txt:stream'],
    ['trailing.'],
    ['CON'],
    ['dir/aux.txt']
  ])('refuses the entry %p and writes nothing', async name => {
    const zipPath = await writePackage([
      { name: 'AppInfo.xml', data: 'fine' },
      { name, data: 'evil' }
    ])
    const destination = extractedFolderFor(zipPath)

    const extraction = extractPackage(zipPath, destination)

    await expect(extraction).rejects.toThrow(UnsafeArchiveError)
    await expect(extraction).rejects.toThrow(JSON.stringify(name))
    await expect(extraction).rejects.toThrow(/was not unpacked/)
    await expectNothingWritten(destination)
  })

  it('refuses a symbolic link entry and writes nothing', async () => {
    const zipPath = await writePackage([
      { name: 'AppInfo.xml', data: 'fine' },
      { name: 'link', data: '/etc/passwd', symlink: true }
    ])
    const destination = extractedFolderFor(zipPath)
    await expect(extractPackage(zipPath, destination)).rejects.toThrow(/"link": is a symbolic link/)
    await expectNothingWritten(destination)
  })

  it('refuses names that collide case-insensitively and writes nothing', async () => {
    const zipPath = await writePackage([
      { name: 'Scripts/Readme.txt', data: 'one' },
      { name: 'scripts/README.TXT', data: 'two' }
    ])
    const destination = extractedFolderFor(zipPath)
    await expect(extractPackage(zipPath, destination)).rejects.toThrow(
      /"Scripts\/Readme.txt" and "scripts\/README.TXT": map to the same file/
    )
    await expectNothingWritten(destination)
  })

  it('refuses a path that is both a file and a folder', async () => {
    const zipPath = await writePackage([
      { name: 'a', data: 'file' },
      { name: 'A/b.txt', data: 'inside' }
    ])
    const destination = extractedFolderFor(zipPath)
    await expect(extractPackage(zipPath, destination)).rejects.toThrow(/both a file and a folder/)
    await expectNothingWritten(destination)
  })

  it('refuses encrypted entries and unsupported methods', async () => {
    const zip = buildZip([
      { name: 'secret.txt', data: 'x' },
      { name: 'bzip2.txt', data: 'y' }
    ])
    let central = zip.readUInt32LE(zip.length - 22 + 16)
    zip.writeUInt16LE(0x0801, central + 8) // encrypted
    central += 46 + 'secret.txt'.length
    zip.writeUInt16LE(12, central + 10) // method 12
    const zipPath = await writePackage(zip)
    const destination = extractedFolderFor(zipPath)

    const extraction = extractPackage(zipPath, destination)
    await expect(extraction).rejects.toThrow(/"secret.txt": is encrypted/)
    await expect(extraction).rejects.toThrow(/"bzip2.txt": uses unsupported compression method 12/)
    await expectNothingWritten(destination)
  })

  it('names at most five offending entries', async () => {
    const hostile = ['../1', '../2', '../3', '../4', '../5', '../6', '../7']
    const zipPath = await writePackage(hostile.map(name => ({ name, data: 'x' })))
    const destination = extractedFolderFor(zipPath)
    const extraction = extractPackage(zipPath, destination)
    await expect(extraction).rejects.toThrow(/7 of its entries are unsafe/)
    await expect(extraction).rejects.toThrow(/and 2 more/)
    await expect(extraction).rejects.not.toThrow('"../6"')
    await expectNothingWritten(destination)
  })

  it('refuses a file that is not a zip and writes nothing', async () => {
    const zipPath = await writePackage(Buffer.from('<html>Not found</html>'))
    const destination = extractedFolderFor(zipPath)
    await expect(extractPackage(zipPath, destination)).rejects.toThrow(UnsafeArchiveError)
    await expectNothingWritten(destination)
  })

  it('fails on a CRC mismatch, removes the partial folder and keeps the old destination', async () => {
    const zip = buildZip([
      { name: 'AppInfo.xml', data: 'fine' },
      { name: 'data.bin', data: 'stored content', store: true }
    ])
    const dataStart = zip.indexOf('stored content')
    zip[dataStart + 2] ^= 0x01
    const zipPath = await writePackage(zip)
    const destination = extractedFolderFor(zipPath)
    await mkdir(destination)
    await writeFile(path.join(destination, 'previous.txt'), 'previous')

    await expect(extractPackage(zipPath, destination)).rejects.toThrow(/CRC-32/)

    expect(await readdir(destination)).toEqual(['previous.txt'])
    expect((await readdir(work)).sort()).toEqual(['App 1.0.0.1', 'App 1.0.0.1.dmapp'])
  })
})

describe('assertSafeToExtract', () => {
  it('accepts a safe package and refuses an unsafe one, writing nothing', async () => {
    const safePath = await writePackage(normalPackage)
    await expect(assertSafeToExtract(safePath)).resolves.toBeUndefined()
    const unsafePath = await writePackage([{ name: 'a\\..\\..\\evil', data: 'x' }])
    await expect(assertSafeToExtract(unsafePath)).rejects.toThrow(/"a\\\\..\\\\..\\\\evil"/)
    await expectNothingWritten(extractedFolderFor(unsafePath))
  })
})
