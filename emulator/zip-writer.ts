import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipEntryInput {
  /** Name as stored in the archive: written verbatim, so tests can store hostile names. */
  name: string
  data?: Buffer | string
  /** Stored as a symbolic link (Unix mode 0120777) whose target is `data`. */
  symlink?: boolean
  /** Store uncompressed instead of deflating. */
  store?: boolean
}

const DOS_TIME = 0 // 00:00:00
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1 // 2024-01-01: fixed, so archives are reproducible

/** Builds a zip archive in memory. For the emulator and tests: small, deterministic archives. */
export function buildZip(entries: ZipEntryInput[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const raw = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data ?? '', 'utf8')
    const isDirectory = entry.name.endsWith('/')
    const method = entry.store || isDirectory || entry.symlink ? 0 : 8
    const body = method === 8 ? deflateRawSync(raw) : raw
    const crc = crc32(raw)
    const unixMode = entry.symlink ? 0o120777 : isDirectory ? 0o40755 : 0o100644

    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(method, 8)
    local.writeUInt16LE(DOS_TIME, 10)
    local.writeUInt16LE(DOS_DATE, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(raw.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    locals.push(local, name, body)

    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, zip 2.0
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt16LE(DOS_TIME, 12)
    central.writeUInt16LE(DOS_DATE, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(raw.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt16LE(0, 30) // extra
    central.writeUInt16LE(0, 32) // comment
    central.writeUInt16LE(0, 34) // disk
    central.writeUInt16LE(0, 36) // internal attributes
    central.writeUInt32LE(((unixMode << 16) | (isDirectory ? 0x10 : 0)) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)

    offset += local.length + name.length + body.length
  }
  const centralDirectory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(0, 4)
  end.writeUInt16LE(0, 6)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(centralDirectory.length, 12)
  end.writeUInt32LE(offset, 16)
  end.writeUInt16LE(0, 20)
  return Buffer.concat([...locals, centralDirectory, end])
}

/**
 * A zip whose central directory lists `count` entries that all point at one local header, under
 * names other than the header's: a few KB that naive readers unpack to `count` times `size`.
 */
export function buildSharedHeaderZip(count: number, size: number): Buffer {
  const single = buildZip([{ name: 'payload.xml', data: Buffer.alloc(size, 0x20) }])
  const localLength = single.readUInt32LE(single.length - 6) // the central directory's offset
  const central = single.subarray(localLength, single.length - 22)
  const records: Buffer[] = []
  for (let i = 0; i < count; i++) {
    const name = Buffer.from(`part-${String(i).padStart(4, '0')}.xml`)
    const record = Buffer.from(central.subarray(0, 46))
    record.writeUInt16LE(name.length, 28)
    records.push(record, name)
  }
  return withCentralDirectory(single.subarray(0, localLength), records, count)
}

/**
 * A zip of two stored entries whose headers agree with the directory, but the second lies inside
 * the first one's data: the bytes of one entry are read again as another.
 */
export function buildNestedZip(): Buffer {
  const inner = buildZip([{ name: 'inner.xml', data: '<inner/>', store: true }])
  const innerLocal = inner.subarray(0, inner.readUInt32LE(inner.length - 6))
  const outer = buildZip([{ name: 'outer.xml', data: innerLocal, store: true }])
  const outerCentral = outer.subarray(outer.readUInt32LE(outer.length - 6), outer.length - 22)
  const innerCentral = Buffer.from(
    inner.subarray(inner.readUInt32LE(inner.length - 6), inner.length - 22)
  )
  // The inner entry's header starts right after the outer header and name.
  innerCentral.writeUInt32LE(30 + 'outer.xml'.length, 42)
  const locals = outer.subarray(0, outer.readUInt32LE(outer.length - 6))
  return withCentralDirectory(locals, [outerCentral, innerCentral], 2)
}

function withCentralDirectory(locals: Buffer, records: Buffer[], count: number): Buffer {
  const centralDirectory = Buffer.concat(records)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(count, 8)
  end.writeUInt16LE(count, 10)
  end.writeUInt32LE(centralDirectory.length, 12)
  end.writeUInt32LE(locals.length, 16)
  return Buffer.concat([locals, centralDirectory, end])
}

/**
 * A small, well-formed zip whose entries declare `totalBytes` of content in all (each up to
 * 4 GiB - 256, without ZIP64): headers and directory agree, so every check of the directory lets it
 * through; only unpacking would find the data short. For checks of the space a package needs.
 */
export function buildDeclaredSizeZip(totalBytes: number): Buffer {
  const perEntry = 0xffffff00
  const count = Math.ceil(totalBytes / perEntry)
  const zip = buildZip(
    Array.from({ length: count }, (_, i) => ({
      name: `huge-${String(i).padStart(4, '0')}.bin`,
      data: `entry ${i}`
    }))
  )
  const centralStart = zip.readUInt32LE(zip.length - 6)
  let record = centralStart
  for (let i = 0; i < count; i++) {
    const declared = i < count - 1 ? perEntry : totalBytes - perEntry * (count - 1)
    zip.writeUInt32LE(declared, record + 24)
    zip.writeUInt32LE(declared, zip.readUInt32LE(record + 42) + 22)
    record += 46 + zip.readUInt16LE(record + 28)
  }
  return zip
}
