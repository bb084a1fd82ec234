import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { createInflateRaw } from 'node:zlib'
import { UnsafeArchiveError } from '../errors.js'
import { crc32 } from './crc32.js'

/** One file, folder or link as listed in the zip's central directory. */
export interface ZipEntry {
  name: string
  method: number
  compressedSize: number
  uncompressedSize: number
  crc32: number
  localHeaderOffset: number
  isDirectory: boolean
  isSymlink: boolean
  isEncrypted: boolean
}

export const METHOD_STORED = 0
export const METHOD_DEFLATED = 8

const LOCAL_HEADER_SIGNATURE = 0x04034b50
const CENTRAL_HEADER_SIGNATURE = 0x02014b50
const END_SIGNATURE = 0x06054b50
const ZIP64_END_SIGNATURE = 0x06064b50
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50
const ZIP64_EXTRA_ID = 0x0001

const LOCAL_HEADER_LENGTH = 30
const CENTRAL_HEADER_LENGTH = 46
const END_LENGTH = 22
const ZIP64_END_LENGTH = 56
const ZIP64_LOCATOR_LENGTH = 20
const MAX_COMMENT_LENGTH = 0xffff
const SATURATED_32 = 0xffffffff

const FLAG_ENCRYPTED = 1 << 0
const FLAG_STRONG_ENCRYPTION = 1 << 6
const FLAG_UTF8 = 1 << 11

const HOST_UNIX = 3
const HOST_DARWIN = 19
const S_IFMT = 0o170000
const S_IFLNK = 0o120000
const S_IFDIR = 0o040000
const DOS_DIRECTORY_ATTRIBUTE = 0x10

const CENTRAL_DIRECTORY_CHUNK = 1024 * 1024

// Names without the UTF-8 flag are in the IBM PC code page (what Windows zip tools write): bytes
// below 0x80 are ASCII, these are 0x80 to 0xFF.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
  '└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0'

const CORRUPT_HINT = 'The package is corrupt or not a zip archive; download it again.'

/** Lists the entries of a zip archive from its central directory, without reading the data. */
export async function readZipEntries(filePath: string): Promise<ZipEntry[]> {
  const handle = await open(filePath, 'r')
  try {
    const { size } = await handle.stat()
    const directory = await readEndOfCentralDirectory(handle, size, filePath)
    return await readCentralDirectory(handle, directory, filePath)
  } finally {
    await handle.close()
  }
}

/** Cheap check: the file starts like a zip archive (a local header, or the end of an empty one). */
export async function isZipFile(filePath: string): Promise<boolean> {
  const handle = await open(filePath, 'r')
  try {
    const start = Buffer.alloc(4)
    const { bytesRead } = await handle.read(start, 0, 4, 0)
    if (bytesRead < 4) return false
    const signature = start.readUInt32LE(0)
    return signature === LOCAL_HEADER_SIGNATURE || signature === END_SIGNATURE
  } finally {
    await handle.close()
  }
}

/**
 * Streams the uncompressed bytes of one entry. The stream fails with an `UnsafeArchiveError` when
 * the data cannot be decompressed or does not match the CRC-32 and size of the central directory.
 */
export async function openEntryStream(filePath: string, entry: ZipEntry): Promise<Readable> {
  if (entry.isEncrypted) {
    throw new UnsafeArchiveError(`"${entry.name}" in the package is encrypted and cannot be read.`)
  }
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
    throw new UnsafeArchiveError(
      `"${entry.name}" in the package uses compression method ${entry.method}; only stored (0) and deflated (8) are supported.`
    )
  }
  const dataStart = await locateEntryData(filePath, entry)
  const source =
    entry.compressedSize === 0
      ? emptyStream()
      : createReadStream(filePath, { start: dataStart, end: dataStart + entry.compressedSize - 1 })
  const inflate =
    entry.method === METHOD_DEFLATED && entry.compressedSize > 0 ? createInflateRaw() : undefined
  const verifier = createVerifier(entry)

  // `pipe` does not forward errors: each one is reported, as an archive error, on the stream we
  // hand out, and closing that stream (done or failed) releases the file.
  const fail = (error: unknown) => verifier.destroy(asArchiveError(error, entry))
  source.on('error', fail)
  inflate?.on('error', fail)
  verifier.on('close', () => {
    source.destroy()
    inflate?.destroy()
  })
  const decoded: Readable = inflate ? source.pipe(inflate) : source
  decoded.pipe(verifier)
  return verifier
}

interface CentralDirectoryLocation {
  entryCount: number
  offset: number
  size: number
}

async function readEndOfCentralDirectory(
  handle: FileHandle,
  fileSize: number,
  filePath: string
): Promise<CentralDirectoryLocation> {
  const tailLength = Math.min(fileSize, END_LENGTH + MAX_COMMENT_LENGTH)
  const tailStart = fileSize - tailLength
  const tail = await readExactly(handle, tailStart, tailLength, filePath)
  const endIndex = findEndRecord(tail)
  if (endIndex < 0) {
    throw new UnsafeArchiveError(
      `${path.basename(filePath)} is not a zip archive, or it is truncated: no end of central directory record was found.`,
      CORRUPT_HINT
    )
  }
  const endOffset = tailStart + endIndex
  const end = tail.subarray(endIndex, endIndex + END_LENGTH)
  const diskNumber = end.readUInt16LE(4)
  const directoryDisk = end.readUInt16LE(6)
  let location: CentralDirectoryLocation = {
    entryCount: end.readUInt16LE(10),
    size: end.readUInt32LE(12),
    offset: end.readUInt32LE(16)
  }
  let directoryEnd = endOffset

  const zip64EndOffset = await findZip64EndOffset(handle, endOffset, filePath)
  if (zip64EndOffset !== undefined) {
    location = await readZip64End(handle, zip64EndOffset, filePath)
    directoryEnd = zip64EndOffset
  } else if (location.size === SATURATED_32 || location.offset === SATURATED_32) {
    throw new UnsafeArchiveError(
      `${path.basename(filePath)} needs a ZIP64 end record, but it has none.`,
      CORRUPT_HINT
    )
  } else if (diskNumber !== 0 || directoryDisk !== 0) {
    throw new UnsafeArchiveError(
      `${path.basename(filePath)} is a multi-part (spanned) zip archive, which is not supported.`
    )
  }

  if (location.offset + location.size > directoryEnd) {
    throw new UnsafeArchiveError(
      `${path.basename(filePath)} is truncated or corrupt: its central directory lies outside the file.`,
      CORRUPT_HINT
    )
  }
  return location
}

/** Searches backwards, as the record ends the file but may be followed by a comment. */
function findEndRecord(tail: Buffer): number {
  for (let i = tail.length - END_LENGTH; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== END_SIGNATURE) continue
    const commentLength = tail.readUInt16LE(i + 20)
    if (i + END_LENGTH + commentLength <= tail.length) return i
  }
  return -1
}

async function findZip64EndOffset(
  handle: FileHandle,
  endOffset: number,
  filePath: string
): Promise<number | undefined> {
  if (endOffset < ZIP64_LOCATOR_LENGTH) return undefined
  const locator = await readExactly(
    handle,
    endOffset - ZIP64_LOCATOR_LENGTH,
    ZIP64_LOCATOR_LENGTH,
    filePath
  )
  if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) return undefined
  if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) > 1) {
    throw new UnsafeArchiveError(
      `${path.basename(filePath)} is a multi-part (spanned) zip archive, which is not supported.`
    )
  }
  return toSafeNumber(locator.readBigUInt64LE(8), filePath)
}

async function readZip64End(
  handle: FileHandle,
  offset: number,
  filePath: string
): Promise<CentralDirectoryLocation> {
  const record = await readExactly(handle, offset, ZIP64_END_LENGTH, filePath)
  if (record.readUInt32LE(0) !== ZIP64_END_SIGNATURE) {
    throw new UnsafeArchiveError(
      `${path.basename(filePath)} is corrupt: its ZIP64 end record is missing.`,
      CORRUPT_HINT
    )
  }
  if (record.readUInt32LE(16) !== 0 || record.readUInt32LE(20) !== 0) {
    throw new UnsafeArchiveError(
      `${path.basename(filePath)} is a multi-part (spanned) zip archive, which is not supported.`
    )
  }
  return {
    entryCount: toSafeNumber(record.readBigUInt64LE(32), filePath),
    size: toSafeNumber(record.readBigUInt64LE(40), filePath),
    offset: toSafeNumber(record.readBigUInt64LE(48), filePath)
  }
}

async function readCentralDirectory(
  handle: FileHandle,
  location: CentralDirectoryLocation,
  filePath: string
): Promise<ZipEntry[]> {
  const reader = new WindowedReader(handle, location.offset + location.size, filePath)
  const entries: ZipEntry[] = []
  let position = location.offset
  for (let i = 0; i < location.entryCount; i++) {
    const header = await reader.bytesAt(position, CENTRAL_HEADER_LENGTH)
    if (header.readUInt32LE(0) !== CENTRAL_HEADER_SIGNATURE) {
      throw new UnsafeArchiveError(
        `${path.basename(filePath)} is corrupt: central directory entry ${i + 1} has no valid header.`,
        CORRUPT_HINT
      )
    }
    const nameLength = header.readUInt16LE(28)
    const extraLength = header.readUInt16LE(30)
    const commentLength = header.readUInt16LE(32)
    const fixed = parseCentralHeader(header)
    const variable = await reader.bytesAt(
      position + CENTRAL_HEADER_LENGTH,
      nameLength + extraLength
    )
    const rawName = variable.subarray(0, nameLength)
    const extra = variable.subarray(nameLength)
    const name = fixed.flags & FLAG_UTF8 ? rawName.toString('utf8') : decodeCp437(rawName)
    const sizes = applyZip64Extra(fixed, extra, name, filePath)
    entries.push({
      name,
      method: fixed.method,
      compressedSize: sizes.compressedSize,
      uncompressedSize: sizes.uncompressedSize,
      crc32: fixed.crc32,
      localHeaderOffset: sizes.localHeaderOffset,
      isDirectory: isDirectoryEntry(name, fixed, sizes.uncompressedSize),
      isSymlink: isSymlinkEntry(fixed),
      isEncrypted: (fixed.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0
    })
    position += CENTRAL_HEADER_LENGTH + nameLength + extraLength + commentLength
  }
  return entries
}

interface CentralHeaderFields {
  madeBy: number
  flags: number
  method: number
  crc32: number
  compressedSize: number
  uncompressedSize: number
  externalAttributes: number
  localHeaderOffset: number
}

function parseCentralHeader(header: Buffer): CentralHeaderFields {
  return {
    madeBy: header.readUInt16LE(4),
    flags: header.readUInt16LE(8),
    method: header.readUInt16LE(10),
    crc32: header.readUInt32LE(16),
    compressedSize: header.readUInt32LE(20),
    uncompressedSize: header.readUInt32LE(24),
    externalAttributes: header.readUInt32LE(38),
    localHeaderOffset: header.readUInt32LE(42)
  }
}

/** The ZIP64 extra field holds, in this order, only the values saturated in the header. */
function applyZip64Extra(
  fields: CentralHeaderFields,
  extra: Buffer,
  name: string,
  filePath: string
): Pick<ZipEntry, 'compressedSize' | 'uncompressedSize' | 'localHeaderOffset'> {
  const result = {
    compressedSize: fields.compressedSize,
    uncompressedSize: fields.uncompressedSize,
    localHeaderOffset: fields.localHeaderOffset
  }
  const wanted = (['uncompressedSize', 'compressedSize', 'localHeaderOffset'] as const).filter(
    key => result[key] === SATURATED_32
  )
  if (wanted.length === 0) return result

  const data = findExtraField(extra, ZIP64_EXTRA_ID)
  if (!data || data.length < wanted.length * 8) {
    throw new UnsafeArchiveError(
      `${path.basename(filePath)} is corrupt: "${name}" lacks the ZIP64 sizes it needs.`,
      CORRUPT_HINT
    )
  }
  wanted.forEach((key, index) => {
    result[key] = toSafeNumber(data.readBigUInt64LE(index * 8), filePath)
  })
  return result
}

function findExtraField(extra: Buffer, id: number): Buffer | undefined {
  let position = 0
  while (position + 4 <= extra.length) {
    const fieldId = extra.readUInt16LE(position)
    const size = extra.readUInt16LE(position + 2)
    const start = position + 4
    if (start + size > extra.length) return undefined
    if (fieldId === id) return extra.subarray(start, start + size)
    position = start + size
  }
  return undefined
}

function decodeCp437(bytes: Buffer): string {
  let name = ''
  for (const byte of bytes)
    name += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80]
  return name
}

function unixMode(fields: CentralHeaderFields): number | undefined {
  const host = fields.madeBy >> 8
  return host === HOST_UNIX || host === HOST_DARWIN ? fields.externalAttributes >>> 16 : undefined
}

function isSymlinkEntry(fields: CentralHeaderFields): boolean {
  const mode = unixMode(fields)
  return mode !== undefined && (mode & S_IFMT) === S_IFLNK
}

function isDirectoryEntry(
  name: string,
  fields: CentralHeaderFields,
  uncompressedSize: number
): boolean {
  if (name.endsWith('/') || name.endsWith('\\')) return true
  if (uncompressedSize !== 0) return false
  const mode = unixMode(fields)
  if (mode !== undefined && mode !== 0) return (mode & S_IFMT) === S_IFDIR
  return (fields.externalAttributes & DOS_DIRECTORY_ATTRIBUTE) !== 0
}

/** Reads the local header (its own name and extra lengths) to find where the data starts. */
async function locateEntryData(filePath: string, entry: ZipEntry): Promise<number> {
  const handle = await open(filePath, 'r')
  try {
    const { size } = await handle.stat()
    if (entry.localHeaderOffset + LOCAL_HEADER_LENGTH > size) {
      throw new UnsafeArchiveError(
        `"${entry.name}" in the package points outside the file.`,
        CORRUPT_HINT
      )
    }
    const header = await readExactly(handle, entry.localHeaderOffset, LOCAL_HEADER_LENGTH, filePath)
    if (header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
      throw new UnsafeArchiveError(
        `"${entry.name}" in the package has no valid local header.`,
        CORRUPT_HINT
      )
    }
    const dataStart =
      entry.localHeaderOffset +
      LOCAL_HEADER_LENGTH +
      header.readUInt16LE(26) +
      header.readUInt16LE(28)
    if (dataStart + entry.compressedSize > size) {
      throw new UnsafeArchiveError(
        `"${entry.name}" in the package is truncated: its data runs past the end of the file.`,
        CORRUPT_HINT
      )
    }
    return dataStart
  } finally {
    await handle.close()
  }
}

/** Passes the bytes through, failing as soon as they exceed the declared size or at the end on a
 * size or CRC-32 mismatch. */
function createVerifier(entry: ZipEntry): Transform {
  let size = 0
  let crc = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length
      if (size > entry.uncompressedSize) {
        callback(
          new UnsafeArchiveError(
            `"${entry.name}" in the package is larger than the ${entry.uncompressedSize} bytes it declares.`,
            CORRUPT_HINT
          )
        )
        return
      }
      crc = crc32(chunk, crc)
      callback(null, chunk)
    },
    flush(callback) {
      if (size !== entry.uncompressedSize) {
        callback(
          new UnsafeArchiveError(
            `"${entry.name}" in the package holds ${size} bytes instead of the ${entry.uncompressedSize} it declares.`,
            CORRUPT_HINT
          )
        )
      } else if (crc !== entry.crc32) {
        callback(
          new UnsafeArchiveError(
            `"${entry.name}" in the package is corrupt: CRC-32 ${hex(crc)} does not match the expected ${hex(entry.crc32)}.`,
            CORRUPT_HINT
          )
        )
      } else {
        callback()
      }
    }
  })
}

function emptyStream(): Readable {
  return new Readable({
    read() {
      this.push(null)
    }
  })
}

function asArchiveError(error: unknown, entry: ZipEntry): UnsafeArchiveError {
  if (error instanceof UnsafeArchiveError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new UnsafeArchiveError(
    `"${entry.name}" in the package could not be read: ${message}`,
    CORRUPT_HINT,
    { cause: error }
  )
}

/** Serves small reads of the central directory from 1 MiB windows instead of one read each. */
class WindowedReader {
  private window: Buffer = Buffer.alloc(0)
  private windowStart = 0

  constructor(
    private readonly handle: FileHandle,
    private readonly end: number,
    private readonly filePath: string
  ) {}

  async bytesAt(position: number, length: number): Promise<Buffer> {
    if (position + length > this.end) {
      throw new UnsafeArchiveError(
        `${path.basename(this.filePath)} is corrupt: an entry runs past the end of the central directory.`,
        CORRUPT_HINT
      )
    }
    const offset = position - this.windowStart
    if (offset < 0 || offset + length > this.window.length) {
      const windowLength = Math.min(Math.max(length, CENTRAL_DIRECTORY_CHUNK), this.end - position)
      this.window = await readExactly(this.handle, position, windowLength, this.filePath)
      this.windowStart = position
      return this.window.subarray(0, length)
    }
    return this.window.subarray(offset, offset + length)
  }
}

async function readExactly(
  handle: FileHandle,
  position: number,
  length: number,
  filePath: string
): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  let filled = 0
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled)
    if (bytesRead === 0) {
      throw new UnsafeArchiveError(
        `${path.basename(filePath)} is truncated: it ends before byte ${position + length}.`,
        CORRUPT_HINT
      )
    }
    filled += bytesRead
  }
  return buffer
}

function toSafeNumber(value: bigint, filePath: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new UnsafeArchiveError(
      `${path.basename(filePath)} is corrupt: it declares a size or offset beyond what can be read.`,
      CORRUPT_HINT
    )
  }
  return Number(value)
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0')
}
