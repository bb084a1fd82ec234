// Real zip archives for the tests, made at test time by other tools than this project's own writer
// (emulator/zip-writer.ts): Info-ZIP's `zip` command and Python's zipfile module. Each tool is
// asked for a feature (data descriptors, ZIP64, encryption, a name encoding); `inspectZip` reads
// the bytes back independently, so a test can prove that its archive really has the feature.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export const FLAG_ENCRYPTED = 0x0001
export const FLAG_DATA_DESCRIPTOR = 0x0008
export const FLAG_UTF8 = 0x0800
export const ZIP64_EXTRA_ID = 0x0001
export const HOST_MSDOS = 0
export const HOST_UNIX = 3

type Tool = 'zip' | 'python3'

const INSTALL: Record<Tool, string> = {
  zip: 'Info-ZIP zip (Debian/Ubuntu: apt-get install zip)',
  python3: 'Python 3 (Debian/Ubuntu: apt-get install python3)'
}
/** The command that runs each tool, once it was found. */
const commands = new Map<Tool, string>()

/** Fails (never skips) when a tool that makes the test archives is not installed. */
export function requireTool(tool: Tool): string {
  let command = commands.get(tool)
  if (command) return command
  try {
    command = locate(tool)
  } catch (error) {
    throw new Error(
      `The zip tests make their archives with \`${tool}\`, which could not be run ` +
        `(${(error as Error).message}). Install ${INSTALL[tool]} and run the tests again.`,
      { cause: error }
    )
  }
  commands.set(tool, command)
  return command
}

function locate(tool: Tool): string {
  if (tool === 'zip') {
    execFileSync('zip', ['-v'], { stdio: 'ignore' })
    return 'zip'
  }
  // Python's own executable: a version manager's shim would add a second to every call.
  const script = 'import sys; print(sys.executable)'
  return execFileSync('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim()
}

function run(tool: Tool, args: string[], options: { cwd?: string; input?: Buffer } = {}): Buffer {
  const command = requireTool(tool)
  try {
    return execFileSync(command, tool === 'python3' ? ['-I', ...args] : args, {
      cwd: options.cwd,
      input: options.input,
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024
    })
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? ''
    throw new Error(`${tool} failed: ${(error as Error).message}\n${stderr}`, { cause: error })
  }
}

/**
 * Writes files and folders under `dir`: a key ending in `/` is a folder, any other key a file
 * with that content.
 */
export function writeTree(dir: string, tree: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(tree)) {
    const target = path.join(dir, ...name.split('/'))
    if (name.endsWith('/')) {
      mkdirSync(target, { recursive: true })
    } else {
      mkdirSync(path.dirname(target), { recursive: true })
      writeFileSync(target, content)
    }
  }
}

export interface InfoZipOptions {
  /** `-0`: store every file. Without it zip deflates what deflate makes smaller. */
  store?: boolean
  /** Writes the archive to a pipe (`zip - ...`): not seekable, so zip adds data descriptors. */
  toPipe?: boolean
  /** `-fz`: ZIP64 size fields and end records, in the central directory as well. */
  zip64?: boolean
  /** `-y`: stores symbolic links as links, not the files they point to. */
  links?: boolean
  /** `-P`: encrypts the entries with the traditional PKWARE cipher. */
  password?: string
  /** What to add, relative to the folder (default `.`, recursively). */
  paths?: string[]
}

/** Zips (or, when the archive exists, adds to it) the contents of `folder` with Info-ZIP zip. */
export function infoZip(zipPath: string, folder: string, options: InfoZipOptions = {}): void {
  const args = ['-q', '-r']
  if (options.store) args.push('-0')
  if (options.zip64) args.push('-fz')
  if (options.links) args.push('-y')
  if (options.password !== undefined) args.push('-P', options.password)
  const paths = options.paths ?? ['.']
  if (options.toPipe) {
    writeFileSync(zipPath, run('zip', [...args, '-', ...paths], { cwd: folder }))
  } else {
    run('zip', [...args, path.resolve(zipPath), ...paths], { cwd: folder })
  }
}

/**
 * `zip - -`: one entry named "-" read from a pipe and written to a pipe. Zip cannot know the size
 * beforehand, so it adds a data descriptor and a ZIP64 extra field in the local header.
 */
export function infoZipFromStdin(zipPath: string, data: Buffer): void {
  writeFileSync(zipPath, run('zip', ['-q', '-', '-'], { input: data }))
}

export type PythonMethod = 'stored' | 'deflated' | 'bzip2' | 'lzma'

export interface PythonEntry {
  /** As Python gets it: on Linux it keeps backslashes and leading slashes as they are. */
  name: string
  data?: string | Buffer
  method?: PythonMethod
  /** The host in "version made by": 'windows' (MS-DOS, 0) as .NET's ZipFile on Windows writes. */
  madeOn?: 'unix' | 'windows'
  /** Unix mode in the upper half of the external attributes (default 0o100644, 0o40755 for "x/"). */
  unixMode?: number
  /** DOS attributes in the lower half (default 0x10 for a name ending in "/", else 0). */
  dosAttributes?: number
  /** The name in code page 437 without the UTF-8 flag, as Windows Explorer writes names. */
  cp437Name?: boolean
  /** force_zip64: a ZIP64 extra field in the local header. */
  zip64?: boolean
}

export interface PythonZipOptions {
  /** Writes to a non-seekable stream: zipfile then adds a data descriptor to every entry. */
  streamed?: boolean
}

const PYTHON_WRITER = String.raw`
import base64, io, json, sys, zipfile
spec = json.load(sys.stdin)

class Cp437Name(zipfile.ZipInfo):
    def _encodeFilenameFlags(self):
        return self.filename.encode('cp437'), self.flag_bits

class Pipe(io.RawIOBase):
    def __init__(self, f):
        self.f = f
    def writable(self):
        return True
    def write(self, b):
        return self.f.write(b)

methods = {'stored': zipfile.ZIP_STORED, 'deflated': zipfile.ZIP_DEFLATED,
           'bzip2': zipfile.ZIP_BZIP2, 'lzma': zipfile.ZIP_LZMA}
with open(spec['path'], 'wb') as out:
    with zipfile.ZipFile(Pipe(out) if spec['streamed'] else out, 'w') as z:
        for e in spec['entries']:
            info = (Cp437Name if e['cp437'] else zipfile.ZipInfo)(e['name'])
            info.compress_type = methods[e['method']]
            info.create_system = e['host']
            info.external_attr = (e['mode'] << 16) | e['dos']
            with z.open(info, 'w', force_zip64=e['zip64']) as w:
                w.write(base64.b64decode(e['data']))
`

/** Writes an archive with Python's zipfile, entry by entry as described. */
export function pythonZip(
  zipPath: string,
  entries: PythonEntry[],
  options: PythonZipOptions = {}
): void {
  const spec = {
    path: path.resolve(zipPath),
    streamed: options.streamed ?? false,
    entries: entries.map(entry => {
      const folder = entry.name.endsWith('/')
      return {
        name: entry.name,
        data: Buffer.from(entry.data ?? '').toString('base64'),
        method: entry.method ?? 'stored',
        host: entry.madeOn === 'windows' ? HOST_MSDOS : HOST_UNIX,
        mode: entry.unixMode ?? (entry.madeOn === 'windows' ? 0 : folder ? 0o40755 : 0o100644),
        dos: entry.dosAttributes ?? (folder ? 0x10 : 0),
        cp437: entry.cp437Name ?? false,
        zip64: entry.zip64 ?? false
      }
    })
  }
  run('python3', ['-c', PYTHON_WRITER], { input: Buffer.from(JSON.stringify(spec)) })
}

/** The entry names as Python's zipfile reads them (CP437 unless flagged UTF-8): an oracle. */
export function pythonNames(zipPath: string): string[] {
  const script =
    'import json, sys, zipfile; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))'
  return JSON.parse(run('python3', ['-c', script, path.resolve(zipPath)]).toString()) as string[]
}

export interface InspectedEntry {
  rawName: Buffer
  /** General purpose bit flags of the central directory header. */
  flags: number
  method: number
  /** The host of "version made by" (0 MS-DOS, 3 Unix). */
  madeOn: number
  externalAttributes: number
  crc32: number
  /** Sizes and offset as the 32-bit fields hold them (0xffffffff when ZIP64 holds the value). */
  fieldCompressedSize: number
  fieldUncompressedSize: number
  centralExtraIds: number[]
  /** Where the central directory header starts. */
  centralOffset: number
  localOffset: number
  localFlags: number
  /** CRC-32 and sizes of the local header (zero when a data descriptor follows the data). */
  localCrc32: number
  localCompressedSize: number
  localUncompressedSize: number
  localExtraIds: number[]
  /** Where the entry's (compressed) data starts, and its length. */
  dataOffset: number
  compressedSize: number
}

export interface InspectedZip {
  entries: InspectedEntry[]
  /** A ZIP64 end of central directory record and its locator are present. */
  zip64EndRecord: boolean
}

const MAX32 = 0xffffffff

/** Reads the structure of an archive byte by byte, independently of the code under test. */
export function inspectZip(bytes: Buffer): InspectedZip {
  const eocd = bytes.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'))
  if (eocd < 0) throw new Error('no end of central directory record')
  let count = bytes.readUInt16LE(eocd + 10)
  let cursor = bytes.readUInt32LE(eocd + 16)
  const locator = eocd - 20
  const zip64EndRecord =
    locator >= 0 && bytes.readUInt32LE(locator) === 0x07064b50 && hasZip64Record(bytes, locator)
  if (zip64EndRecord) {
    const record = Number(bytes.readBigUInt64LE(locator + 8))
    count = Number(bytes.readBigUInt64LE(record + 32))
    cursor = Number(bytes.readBigUInt64LE(record + 48))
  }
  const entries: InspectedEntry[] = []
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(cursor) !== 0x02014b50) throw new Error(`no central header at ${cursor}`)
    const nameLength = bytes.readUInt16LE(cursor + 28)
    const extraLength = bytes.readUInt16LE(cursor + 30)
    const commentLength = bytes.readUInt16LE(cursor + 32)
    const rawName = bytes.subarray(cursor + 46, cursor + 46 + nameLength)
    const extra = bytes.subarray(cursor + 46 + nameLength, cursor + 46 + nameLength + extraLength)
    const fieldUncompressedSize = bytes.readUInt32LE(cursor + 24)
    const fieldCompressedSize = bytes.readUInt32LE(cursor + 20)
    let localOffset = bytes.readUInt32LE(cursor + 42)
    let compressedSize = fieldCompressedSize
    const zip64 = extraFields(extra).find(field => field.id === ZIP64_EXTRA_ID)?.data
    if (zip64) {
      let at = 0
      if (fieldUncompressedSize === MAX32) at += 8
      if (fieldCompressedSize === MAX32) compressedSize = Number(zip64.readBigUInt64LE(at))
      if (fieldCompressedSize === MAX32) at += 8
      if (localOffset === MAX32) localOffset = Number(zip64.readBigUInt64LE(at))
    }
    if (bytes.readUInt32LE(localOffset) !== 0x04034b50) throw new Error('no local header')
    const localNameLength = bytes.readUInt16LE(localOffset + 26)
    const localExtraLength = bytes.readUInt16LE(localOffset + 28)
    const localExtraStart = localOffset + 30 + localNameLength
    entries.push({
      rawName: Buffer.from(rawName),
      flags: bytes.readUInt16LE(cursor + 8),
      method: bytes.readUInt16LE(cursor + 10),
      madeOn: bytes.readUInt16LE(cursor + 4) >> 8,
      externalAttributes: bytes.readUInt32LE(cursor + 38),
      crc32: bytes.readUInt32LE(cursor + 16),
      fieldCompressedSize,
      fieldUncompressedSize,
      centralExtraIds: extraFields(extra).map(field => field.id),
      centralOffset: cursor,
      localOffset,
      localFlags: bytes.readUInt16LE(localOffset + 6),
      localCrc32: bytes.readUInt32LE(localOffset + 14),
      localCompressedSize: bytes.readUInt32LE(localOffset + 18),
      localUncompressedSize: bytes.readUInt32LE(localOffset + 22),
      localExtraIds: extraFields(
        bytes.subarray(localExtraStart, localExtraStart + localExtraLength)
      ).map(field => field.id),
      dataOffset: localExtraStart + localExtraLength,
      compressedSize
    })
    cursor += 46 + nameLength + extraLength + commentLength
  }
  return { entries, zip64EndRecord }
}

function hasZip64Record(bytes: Buffer, locator: number): boolean {
  const record = Number(bytes.readBigUInt64LE(locator + 8))
  return record + 56 <= bytes.length && bytes.readUInt32LE(record) === 0x06064b50
}

function extraFields(extra: Buffer): { id: number; data: Buffer }[] {
  const fields: { id: number; data: Buffer }[] = []
  for (let at = 0; at + 4 <= extra.length;) {
    const length = extra.readUInt16LE(at + 2)
    fields.push({ id: extra.readUInt16LE(at), data: extra.subarray(at + 4, at + 4 + length) })
    at += 4 + length
  }
  return fields
}

/** The inspected entry whose raw name is `name` in UTF-8 (or, failing that, Latin-1). */
export function inspectedEntry(zip: InspectedZip, name: string): InspectedEntry {
  const found = zip.entries.find(
    entry => entry.rawName.equals(Buffer.from(name)) || entry.rawName.toString('latin1') === name
  )
  if (!found) throw new Error(`no entry ${JSON.stringify(name)} in the archive`)
  return found
}

/** Bytes that do not repeat, so no compressor shrinks them. */
export function noise(length: number, seed: string): Buffer {
  const chunks: Buffer[] = []
  for (let i = 0; chunks.length * 32 < length; i++) {
    chunks.push(createHash('sha256').update(`${seed}-${i}`).digest())
  }
  return Buffer.concat(chunks).subarray(0, length)
}

/** A script that deflate shrinks well. */
export const SCRIPT_XML = `<DMSScript>${'<Exe id="1">step</Exe>\n'.repeat(3000)}</DMSScript>\n`
