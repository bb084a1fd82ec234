import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { buildZip } from '../../emulator/zip-writer.js'
import { UnsafeArchiveError } from '../../src/errors.js'
import { crc32 } from '../../src/zip/crc32.js'
import {
  isZipFile,
  openEntryStream,
  readZipEntries,
  type ZipEntry
} from '../../src/zip/central-directory.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'central-directory-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function writeTemp(name: string, data: Buffer | string): Promise<string> {
  const filePath = path.join(dir, name)
  await writeFile(filePath, data)
  return filePath
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function entryNamed(entries: ZipEntry[], name: string): ZipEntry {
  const entry = entries.find(candidate => candidate.name === name)
  if (!entry) throw new Error(`no entry ${name}`)
  return entry
}

/** Offset of the first central directory header, from the end record of a comment-less zip. */
function centralDirectoryOffset(zip: Buffer): number {
  return zip.readUInt32LE(zip.length - 22 + 16)
}

/** A single stored entry whose sizes and offset live only in ZIP64 fields. */
function buildZip64(name: string, data: Buffer): Buffer {
  const nameBytes = Buffer.from(name, 'utf8')
  const crc = crc32(data)
  const zip64Extra = (values: number[]) => {
    const extra = Buffer.alloc(4 + values.length * 8)
    extra.writeUInt16LE(0x0001, 0)
    extra.writeUInt16LE(values.length * 8, 2)
    values.forEach((value, index) => extra.writeBigUInt64LE(BigInt(value), 4 + index * 8))
    return extra
  }

  const localExtra = zip64Extra([data.length, data.length])
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(45, 4)
  local.writeUInt16LE(0x0800, 6)
  local.writeUInt32LE(crc, 14)
  local.writeUInt32LE(0xffffffff, 18)
  local.writeUInt32LE(0xffffffff, 22)
  local.writeUInt16LE(nameBytes.length, 26)
  local.writeUInt16LE(localExtra.length, 28)
  const localPart = Buffer.concat([local, nameBytes, localExtra, data])

  const centralExtra = zip64Extra([data.length, data.length, 0])
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(45, 4)
  central.writeUInt16LE(45, 6)
  central.writeUInt16LE(0x0800, 8)
  central.writeUInt32LE(crc, 16)
  central.writeUInt32LE(0xffffffff, 20)
  central.writeUInt32LE(0xffffffff, 24)
  central.writeUInt16LE(nameBytes.length, 28)
  central.writeUInt16LE(centralExtra.length, 30)
  central.writeUInt32LE(0xffffffff, 42)
  const centralPart = Buffer.concat([central, nameBytes, centralExtra])

  const zip64End = Buffer.alloc(56)
  zip64End.writeUInt32LE(0x06064b50, 0)
  zip64End.writeBigUInt64LE(44n, 4)
  zip64End.writeUInt16LE(45, 12)
  zip64End.writeUInt16LE(45, 14)
  zip64End.writeBigUInt64LE(1n, 24)
  zip64End.writeBigUInt64LE(1n, 32)
  zip64End.writeBigUInt64LE(BigInt(centralPart.length), 40)
  zip64End.writeBigUInt64LE(BigInt(localPart.length), 48)

  const locator = Buffer.alloc(20)
  locator.writeUInt32LE(0x07064b50, 0)
  locator.writeBigUInt64LE(BigInt(localPart.length + centralPart.length), 8)
  locator.writeUInt32LE(1, 16)

  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(0xffff, 8)
  end.writeUInt16LE(0xffff, 10)
  end.writeUInt32LE(0xffffffff, 12)
  end.writeUInt32LE(0xffffffff, 16)
  return Buffer.concat([localPart, centralPart, zip64End, locator, end])
}

describe('readZipEntries', () => {
  it('lists deflated, stored, folder and link entries with their sizes and CRC-32', async () => {
    const appInfo = '<AppInfo>' + 'x'.repeat(1000) + '</AppInfo>'
    const binary = Buffer.from([0, 1, 2, 3, 255])
    const zip = buildZip([
      { name: 'AppInfo.xml', data: appInfo },
      { name: 'Scripts/' },
      { name: 'Scripts/blob.bin', data: binary, store: true },
      { name: 'link', data: 'AppInfo.xml', symlink: true }
    ])
    const entries = await readZipEntries(await writeTemp('app.dmapp', zip))

    expect(entries.map(entry => entry.name)).toEqual([
      'AppInfo.xml',
      'Scripts/',
      'Scripts/blob.bin',
      'link'
    ])
    expect(entryNamed(entries, 'AppInfo.xml')).toMatchObject({
      method: 8,
      uncompressedSize: appInfo.length,
      crc32: crc32(Buffer.from(appInfo)),
      localHeaderOffset: 0,
      isDirectory: false,
      isSymlink: false,
      isEncrypted: false
    })
    expect(entryNamed(entries, 'AppInfo.xml').compressedSize).toBeLessThan(appInfo.length)
    expect(entryNamed(entries, 'Scripts/')).toMatchObject({ isDirectory: true, isSymlink: false })
    expect(entryNamed(entries, 'Scripts/blob.bin')).toMatchObject({
      method: 0,
      compressedSize: 5,
      uncompressedSize: 5,
      crc32: crc32(binary),
      isDirectory: false
    })
    expect(entryNamed(entries, 'link')).toMatchObject({ isSymlink: true, isDirectory: false })
  })

  it('decodes UTF-8 names and reads an archive with a trailing comment', async () => {
    const zip = buildZip([{ name: 'Ünïcødé/файл.xml', data: 'x' }])
    // Give the end record a comment: the search must look back past it.
    const comment = Buffer.from('a comment that ends the file')
    zip.writeUInt16LE(comment.length, zip.length - 2)
    const entries = await readZipEntries(await writeTemp('c.zip', Buffer.concat([zip, comment])))
    expect(entries.map(entry => entry.name)).toEqual(['Ünïcødé/файл.xml'])
  })

  it('decodes names without the UTF-8 flag as code page 437', async () => {
    const zip = buildZip([{ name: 'caf?.txt', data: 'x' }])
    const central = centralDirectoryOffset(zip)
    zip.writeUInt16LE(0, central + 8) // clear the UTF-8 flag
    zip[central + 46 + 3] = 0x82 // é in CP437
    const entries = await readZipEntries(await writeTemp('cp437.zip', zip))
    expect(entries[0].name).toBe('café.txt')
  })

  it('reports the encrypted flag', async () => {
    const zip = buildZip([{ name: 'secret.txt', data: 'x' }])
    zip.writeUInt16LE(0x0801, centralDirectoryOffset(zip) + 8)
    const [entry] = await readZipEntries(await writeTemp('enc.zip', zip))
    expect(entry.isEncrypted).toBe(true)
  })

  it('reads ZIP64 end records and extra fields', async () => {
    const data = Buffer.from('zip64 content')
    const filePath = await writeTemp('z64.zip', buildZip64('big.bin', data))
    const [entry] = await readZipEntries(filePath)
    expect(entry).toMatchObject({
      name: 'big.bin',
      compressedSize: data.length,
      uncompressedSize: data.length,
      localHeaderOffset: 0
    })
    expect(await readAll(await openEntryStream(filePath, entry))).toEqual(data)
  })

  it('reads an empty archive', async () => {
    expect(await readZipEntries(await writeTemp('empty.zip', buildZip([])))).toEqual([])
  })

  it('rejects a file that is not a zip', async () => {
    const filePath = await writeTemp('page.html', '<html>Not found</html>')
    await expect(readZipEntries(filePath)).rejects.toThrow(UnsafeArchiveError)
    await expect(readZipEntries(filePath)).rejects.toThrow(/not a zip archive/)
  })

  it('rejects an empty file', async () => {
    await expect(readZipEntries(await writeTemp('zero', ''))).rejects.toThrow(UnsafeArchiveError)
  })

  it('rejects a truncated zip', async () => {
    const zip = buildZip([
      { name: 'a.txt', data: 'a'.repeat(5000) },
      { name: 'b.txt', data: 'b'.repeat(5000) }
    ])
    const filePath = await writeTemp('cut.zip', zip.subarray(0, zip.length - 30))
    await expect(readZipEntries(filePath)).rejects.toThrow(UnsafeArchiveError)
  })

  it('rejects a central directory that points outside the file', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'a' }])
    zip.writeUInt32LE(zip.length * 2, zip.length - 22 + 16)
    await expect(readZipEntries(await writeTemp('bad.zip', zip))).rejects.toThrow(
      /central directory lies outside/
    )
  })
})

describe('isZipFile', () => {
  it('recognises zips, empty archives and other files', async () => {
    expect(await isZipFile(await writeTemp('a.zip', buildZip([{ name: 'a', data: 'a' }])))).toBe(
      true
    )
    expect(await isZipFile(await writeTemp('empty.zip', buildZip([])))).toBe(true)
    expect(await isZipFile(await writeTemp('a.txt', 'hello world'))).toBe(false)
    expect(await isZipFile(await writeTemp('short', 'PK'))).toBe(false)
  })
})

describe('openEntryStream', () => {
  it('streams deflated and stored entries', async () => {
    const text = 'line of text\n'.repeat(10_000)
    const filePath = await writeTemp(
      'p.zip',
      buildZip([
        { name: 'deflated.txt', data: text },
        { name: 'stored.txt', data: 'stored content', store: true },
        { name: 'empty.txt', data: '' }
      ])
    )
    const entries = await readZipEntries(filePath)
    const read = async (name: string) =>
      (await readAll(await openEntryStream(filePath, entryNamed(entries, name)))).toString()
    expect(await read('deflated.txt')).toBe(text)
    expect(await read('stored.txt')).toBe('stored content')
    expect(await read('empty.txt')).toBe('')
  })

  it('fails on a CRC-32 mismatch in a stored entry', async () => {
    const zip = buildZip([{ name: 'stored.txt', data: 'stored content', store: true }])
    zip[30 + 'stored.txt'.length + 3] ^= 0xff // one data byte
    const filePath = await writeTemp('crc.zip', zip)
    const [entry] = await readZipEntries(filePath)
    const stream = await openEntryStream(filePath, entry)
    await expect(readAll(stream)).rejects.toThrow(UnsafeArchiveError)
    await expect(readAll(await openEntryStream(filePath, entry))).rejects.toThrow(/CRC-32/)
  })

  it('fails on corrupt deflate data with an archive error', async () => {
    const zip = buildZip([{ name: 'd.txt', data: 'abc'.repeat(1000) }])
    const start = 30 + 'd.txt'.length
    zip.fill(0xff, start, start + 8)
    const filePath = await writeTemp('deflate.zip', zip)
    const [entry] = await readZipEntries(filePath)
    await expect(readAll(await openEntryStream(filePath, entry))).rejects.toThrow(
      UnsafeArchiveError
    )
  })

  it('fails when the data is larger than declared', async () => {
    const zip = buildZip([{ name: 's.txt', data: 'twelve bytes', store: true }])
    const filePath = await writeTemp('size.zip', zip)
    const [entry] = await readZipEntries(filePath)
    const lying = { ...entry, uncompressedSize: 4 }
    await expect(readAll(await openEntryStream(filePath, lying))).rejects.toThrow(/larger than/)
  })

  it('rejects unsupported methods and encrypted entries', async () => {
    const filePath = await writeTemp('m.zip', buildZip([{ name: 'a.txt', data: 'a' }]))
    const [entry] = await readZipEntries(filePath)
    await expect(openEntryStream(filePath, { ...entry, method: 12 })).rejects.toThrow(
      /compression method 12/
    )
    await expect(openEntryStream(filePath, { ...entry, isEncrypted: true })).rejects.toThrow(
      UnsafeArchiveError
    )
  })

  it('fails when the local header is missing', async () => {
    const filePath = await writeTemp('m.zip', buildZip([{ name: 'a.txt', data: 'a' }]))
    const [entry] = await readZipEntries(filePath)
    await expect(openEntryStream(filePath, { ...entry, localHeaderOffset: 5 })).rejects.toThrow(
      /local header/
    )
  })
})
