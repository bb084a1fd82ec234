// Zip archives read with yauzl (central directory, ZIP64, CP437 and Info-ZIP Unicode names, local
// header and size checks). What yauzl leaves to its caller is done here: a CRC-32 check of every
// entry's data, and the facts the action's own name checks need (folder, link, encryption).
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { crc32 } from 'node:zlib'
import yauzl from 'yauzl'
import { MalformedArchiveError, UnsafeArchiveError } from './errors.js'
import { collectAfterStreaming } from '../memory.js'
import { isSmallEntry, SmallEntryReader } from './small-entries.js'
import type { StoredRange } from './stored-entry.js'
import { WindowedFileReader } from './windowed-reader.js'

export interface ZipEntry {
  /** As stored, separators included (`\` as well as `/`), for the action's own checks. */
  name: string
  method: number
  compressedSize: number
  uncompressedSize: number
  crc32: number
  isDirectory: boolean
  isSymlink: boolean
  isEncrypted: boolean
}

export const METHOD_STORED = 0
export const METHOD_DEFLATED = 8

const FLAG_ENCRYPTED = 1 << 0
const FLAG_STRONG_ENCRYPTION = 1 << 6
const HOST_UNIX = 3
const HOST_DARWIN = 19
const S_IFMT = 0o170000
const S_IFLNK = 0o120000
const S_IFDIR = 0o040000
const DOS_DIRECTORY_ATTRIBUTE = 0x10
const LOCAL_HEADER_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1')
const EMPTY_ARCHIVE_SIGNATURE = Buffer.from('PK\x05\x06', 'latin1')

export const CORRUPT_HINT = 'The package is corrupt or not a zip archive; download it again.'
const MALFORMED_HINT =
  'Tools read such an archive differently, and it can unpack to far more than its size (a zip ' +
  'bomb): the action does not use it. Check the package where it was published.'

/** Where an entry's bytes are: its local header, and the data right after it. */
interface EntryLayout {
  source: yauzl.Entry
  headerStart: number
  dataStart: number
  dataEnd: number
}

/** An open archive: its entries, and a verified stream of each one's data. Close it when done. */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly raw: Map<ZipEntry, EntryLayout>,
    private readonly filePath: string
  ) {}

  private small: SmallEntryReader | undefined

  /**
   * A small entry's uncompressed bytes (isSmallEntry), checked like openEntry's, read without a
   * stream: for many small files, each stream's round trips cost more than the file itself.
   */
  async readSmallEntry(entry: ZipEntry): Promise<Buffer> {
    const layout = this.raw.get(entry)
    if (!layout) throw new Error(`${entry.name} is not an entry of this archive`)
    if (!isSmallEntry(entry)) throw new Error(`${entry.name} is not a small entry`)
    this.small ??= new SmallEntryReader(this.filePath)
    return this.small.read(entry, layout.dataStart, layout.dataEnd)
  }

  get entries(): ZipEntry[] {
    return [...this.raw.keys()]
  }

  /** Reads the central directory; throws an UnsafeArchiveError for anything that is not a zip. */
  static async open(filePath: string): Promise<ZipArchive> {
    let zip: yauzl.ZipFile
    try {
      // Raw names: yauzl would stop at the first absolute or ".." name, and the action wants to
      // list every unsafe entry of a hostile package, not just the first.
      // Its many small reads served from a window of the file: windowed-reader.ts.
      const reader = WindowedFileReader.open(filePath)
      zip = await yauzl
        .fromRandomAccessReaderPromise(reader, reader.size, {
          lazyEntries: true,
          autoClose: false,
          decodeStrings: false,
          validateEntrySizes: true
        })
        .catch(error => {
          reader.close(() => undefined)
          throw error
        })
    } catch (error) {
      throw unreadable(error)
    }
    const sources: yauzl.Entry[] = []
    try {
      for await (const entry of zip.eachEntry()) sources.push(entry)
    } catch (error) {
      zip.close()
      throw unreadable(error)
    }
    const raw = new Map<ZipEntry, EntryLayout>()
    try {
      const layouts = await readLayouts(zip, sources)
      checkNoSharedBytes(layouts)
      for (const layout of layouts) raw.set(describeEntry(layout.source), layout)
    } catch (error) {
      zip.close()
      throw unreadable(error)
    }
    return new ZipArchive(zip, raw, filePath)
  }

  /**
   * Where a stored, unencrypted entry's bytes are in the archive file, for a copy that needs no
   * stream (core/zip/stored-entry.ts); undefined for any other entry. The range is the one the
   * checks of open() accepted: directory and local header agree, and no entry shares it.
   */
  storedRange(entry: ZipEntry): StoredRange | undefined {
    const layout = this.raw.get(entry)
    if (!layout || entry.method !== METHOD_STORED || entry.isEncrypted) return undefined
    if (entry.compressedSize !== entry.uncompressedSize) return undefined
    return { archivePath: this.filePath, start: layout.dataStart, end: layout.dataEnd }
  }

  /**
   * The entry's uncompressed bytes. The stream fails with an UnsafeArchiveError when they cannot
   * be decompressed or do not match the entry's size and CRC-32.
   */
  async openEntry(entry: ZipEntry): Promise<Readable> {
    const layout = this.raw.get(entry)
    if (!layout) throw new Error(`${entry.name} is not an entry of this archive`)
    let data: Readable
    try {
      data = await this.zip.openReadStreamPromise(layout.source)
    } catch (error) {
      throw entryError(entry, error)
    }
    const verifier = new CrcVerifier(entry)
    data.on('error', error => verifier.destroy(entryError(entry, error)))
    verifier.on('close', () => data.destroy())
    // A damaged entry may fail before the caller attaches its own listener: the error then stays
    // on the stream (where the caller's pipeline finds it) instead of being thrown.
    verifier.on('error', () => undefined)
    return data.pipe(verifier)
  }

  close(): void {
    this.small?.close()
    this.small = undefined
    this.zip.close()
  }
}

/** Lists an archive's entries. */
export async function readZipEntries(filePath: string): Promise<ZipEntry[]> {
  const archive = await ZipArchive.open(filePath)
  archive.close()
  return archive.entries
}

/** Cheap check of the first bytes: a local header, or the end record of an empty archive. */
export function startsLikeZip(firstBytes: Buffer): boolean {
  const start = firstBytes.subarray(0, 4)
  return start.equals(LOCAL_HEADER_SIGNATURE) || start.equals(EMPTY_ARCHIVE_SIGNATURE)
}

const FLAG_DATA_DESCRIPTOR = 1 << 3
const ZIP64_MARKER = 0xffffffff
/** Local headers read at once: enough to keep the disk busy, few enough to hold no memory. */
const HEADER_READS_AT_ONCE = 32

/**
 * Each entry's local header, which must agree with its central-directory record: the same name
 * bytes and method, and the same sizes where the header states them. An archive whose directory
 * says one thing and whose headers another is read differently by different tools.
 */
async function readLayouts(zip: yauzl.ZipFile, sources: yauzl.Entry[]): Promise<EntryLayout[]> {
  const layouts: EntryLayout[] = new Array(sources.length)
  let next = 0
  const worker = async () => {
    for (let index = next++; index < sources.length; index = next++) {
      const source = sources[index]
      const header = await zip.readLocalFileHeaderPromise(source)
      const disagreement = headerDisagreement(source, header)
      if (disagreement) {
        const name = describeEntry(source).name
        throw new MalformedArchiveError(
          `the local header of "${name}" disagrees with the archive's directory: ${disagreement}`,
          MALFORMED_HINT
        )
      }
      layouts[index] = {
        source,
        headerStart: source.relativeOffsetOfLocalHeader,
        dataStart: header.fileDataStart,
        dataEnd: header.fileDataStart + source.compressedSize
      }
    }
  }
  await Promise.all(Array.from({ length: HEADER_READS_AT_ONCE }, worker))
  return layouts
}

function headerDisagreement(entry: yauzl.Entry, header: yauzl.LocalFileHeader): string | undefined {
  const centralName = entry.fileName as unknown as Buffer
  if (!header.fileName.equals(centralName))
    return `it names "${header.fileName.toString('latin1')}"`
  if (header.compressionMethod !== entry.compressionMethod)
    return `method ${header.compressionMethod} instead of ${entry.compressionMethod}`
  if ((header.generalPurposeBitFlag & FLAG_DATA_DESCRIPTOR) !== 0) return undefined
  const sizes: [string, number, number][] = [
    ['compressed size', header.compressedSize, entry.compressedSize],
    ['size', header.uncompressedSize, entry.uncompressedSize]
  ]
  for (const [what, local, central] of sizes) {
    if (local !== ZIP64_MARKER && local !== central) return `${what} ${local} instead of ${central}`
  }
  return undefined
}

/** No two entries may share bytes: overlapping entries are how a small zip unpacks to gigabytes. */
function checkNoSharedBytes(layouts: EntryLayout[]): void {
  const byStart = [...layouts].sort((a, b) => a.headerStart - b.headerStart)
  for (let i = 1; i < byStart.length; i++) {
    const [before, after] = [byStart[i - 1], byStart[i]]
    if (after.headerStart < before.dataEnd) {
      const [first, second] = [before, after].map(layout => describeEntry(layout.source).name)
      throw new MalformedArchiveError(
        `the entries "${first}" and "${second}" share bytes of the archive`,
        MALFORMED_HINT
      )
    }
  }
}

function describeEntry(entry: yauzl.Entry): ZipEntry {
  const rawName = entry.fileName as unknown as Buffer
  // strictFileNames keeps backslashes: the action's checks treat them as separators themselves.
  const name = yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    rawName,
    entry.extraFields,
    true
  )
  const mode = unixMode(entry)
  return {
    name,
    method: entry.compressionMethod,
    compressedSize: entry.compressedSize,
    uncompressedSize: entry.uncompressedSize,
    crc32: entry.crc32,
    isDirectory: isDirectoryEntry(name, entry, mode),
    isSymlink: mode !== undefined && (mode & S_IFMT) === S_IFLNK,
    isEncrypted: (entry.generalPurposeBitFlag & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0
  }
}

function unixMode(entry: yauzl.Entry): number | undefined {
  const host = entry.versionMadeBy >> 8
  return host === HOST_UNIX || host === HOST_DARWIN
    ? entry.externalFileAttributes >>> 16
    : undefined
}

function isDirectoryEntry(name: string, entry: yauzl.Entry, mode: number | undefined): boolean {
  if (name.endsWith('/') || name.endsWith('\\')) return true
  if (entry.uncompressedSize !== 0) return false
  if (mode !== undefined && mode !== 0) return (mode & S_IFMT) === S_IFDIR
  return (entry.externalFileAttributes & DOS_DIRECTORY_ATTRIBUTE) !== 0
}

/** Fails as soon as the bytes exceed the declared size, and at the end on a size or CRC mismatch. */
class CrcVerifier extends Transform {
  private size = 0
  private crc = 0

  constructor(private readonly entry: ZipEntry) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length
    if (this.size > this.entry.uncompressedSize) {
      done(
        corrupt(this.entry, `is larger than the ${this.entry.uncompressedSize} bytes it declares`)
      )
      return
    }
    this.crc = crc32(chunk, this.crc)
    collectAfterStreaming(chunk.length)
    done(null, chunk)
  }

  override _flush(done: TransformCallback): void {
    const { entry } = this
    if (this.size !== entry.uncompressedSize) {
      done(
        corrupt(
          entry,
          `holds ${this.size} bytes instead of the ${entry.uncompressedSize} it declares`
        )
      )
    } else if (this.crc !== entry.crc32) {
      done(
        corrupt(entry, `fails its CRC-32 check (${hex(this.crc)} instead of ${hex(entry.crc32)})`)
      )
    } else {
      done()
    }
  }
}

export function corrupt(entry: ZipEntry, what: string): UnsafeArchiveError {
  return new UnsafeArchiveError(
    `"${entry.name}" in the package ${what}: the package is corrupt.`,
    CORRUPT_HINT
  )
}

export function entryError(entry: ZipEntry, error: unknown): UnsafeArchiveError {
  if (error instanceof UnsafeArchiveError) return error
  return new UnsafeArchiveError(
    `"${entry.name}" in the package could not be read (${messageOf(error)}).`,
    CORRUPT_HINT,
    { cause: error }
  )
}

function unreadable(error: unknown): UnsafeArchiveError {
  if (error instanceof UnsafeArchiveError) return error
  return new UnsafeArchiveError(`not a readable zip archive (${messageOf(error)})`, CORRUPT_HINT, {
    cause: error
  })
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function hex(value: number): string {
  return value.toString(16).padStart(8, '0')
}
