import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { ActionError, UnsafeArchiveError } from '../errors.js'
import {
  METHOD_DEFLATED,
  METHOD_STORED,
  openEntryStream,
  readZipEntries,
  type ZipEntry
} from '../zip/central-directory.js'
import { isWindowsDeviceName } from './file-name.js'

export interface ExtractResult {
  files: number
  bytes: number
}

const LISTED_PROBLEMS = 5
const CONTROL_CHARACTER = /\p{Cc}/u
const FORBIDDEN_ON_WINDOWS = /[<>:"|?*]/
const RENAME_ATTEMPTS = 5

/** The folder a package is unpacked into: beside it, named after it without its extension. */
export function extractedFolderFor(filePath: string): string {
  const { dir, name, ext } = path.parse(filePath)
  return path.join(dir, ext ? name : `${name}-extracted`)
}

/**
 * Unpacks a zip package into `destinationDir`, replacing what is there. Every entry is checked
 * first, so an unsafe package writes nothing; the files then go to a temporary sibling folder that
 * takes the destination's place only once every entry was written and verified.
 */
export async function extractPackage(
  zipPath: string,
  destinationDir: string
): Promise<ExtractResult> {
  const entries = await readZipEntries(zipPath)
  const plan = planExtraction(entries, path.basename(zipPath))

  const destination = path.resolve(destinationDir)
  const staging = `${destination}.partial-${randomBytes(6).toString('hex')}`
  await mkdir(path.dirname(destination), { recursive: true })
  await mkdir(staging)
  try {
    const result = await writeEntries(zipPath, plan, staging)
    await rm(destination, { recursive: true, force: true })
    await renameWithRetry(staging, destination)
    return result
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    if (error instanceof ActionError) throw error
    const message = error instanceof Error ? error.message : String(error)
    throw new ActionError(
      `Could not unpack ${path.basename(zipPath)} into ${destination}: ${message}`,
      undefined,
      { cause: error }
    )
  }
}

/** Throws the same `UnsafeArchiveError` as `extractPackage` would, without writing anything. */
export async function assertSafeToExtract(zipPath: string): Promise<void> {
  planExtraction(await readZipEntries(zipPath), path.basename(zipPath))
}

interface PlannedEntry {
  entry: ZipEntry
  /** The entry's path, split on both separators, without empty and "." segments. */
  segments: string[]
}

/** Checks every entry and returns them with their paths, or throws naming the unsafe ones. */
function planExtraction(entries: ZipEntry[], packageName: string): PlannedEntry[] {
  const problems: string[] = []
  const planned: PlannedEntry[] = []
  for (const entry of entries) {
    const segments = entry.name.split(/[/\\]/).filter(segment => segment !== '' && segment !== '.')
    const problem = describeUnsafeEntry(entry, segments)
    if (problem) problems.push(`${JSON.stringify(entry.name)}: ${problem}`)
    else planned.push({ entry, segments })
  }
  problems.push(...findCollisions(planned))
  if (problems.length > 0) throw unsafePackageError(packageName, problems)
  return planned
}

function describeUnsafeEntry(entry: ZipEntry, segments: string[]): string | undefined {
  const { name } = entry
  if (name === '') return 'has an empty name'
  if (CONTROL_CHARACTER.test(name)) return 'contains a NUL or control character'
  if (/^[/\\]{2}/.test(name)) return 'is a UNC path'
  if (/^[/\\]/.test(name)) return 'is an absolute path'
  if (/^[a-z]:/i.test(name)) return 'starts with a drive letter'
  if (segments.includes('..')) return 'contains a ".." segment'
  if (entry.isSymlink) return 'is a symbolic link'
  if (entry.isEncrypted) return 'is encrypted'
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
    return `uses unsupported compression method ${entry.method}`
  }
  if (FORBIDDEN_ON_WINDOWS.test(name))
    return 'contains a character Windows does not allow (<>:"|?*)'
  // Windows drops trailing dots and spaces and maps device names, so such a path would not be the
  // one this check saw.
  if (segments.some(segment => /[. ]$/.test(segment))) return 'has a part ending in a dot or space'
  if (segments.some(isWindowsDeviceName)) return 'uses a Windows device name (CON, NUL, COM1, ...)'
  if (segments.length === 0 && !entry.isDirectory) return 'has no file name'
  return undefined
}

/** Entries that land on the same path on a case-insensitive file system, or a file used as a
 * folder by another entry. Repeated folder entries are harmless. */
function findCollisions(planned: PlannedEntry[]): string[] {
  const problems: string[] = []
  const files = new Map<string, string>()
  const folders = new Map<string, string>()
  for (const { entry, segments } of planned) {
    const keys = segments.map((_, index) => collisionKey(segments.slice(0, index + 1)))
    const ownKey = keys.pop()
    for (const key of keys) if (!folders.has(key)) folders.set(key, entry.name)
    if (ownKey === undefined) continue
    if (entry.isDirectory) {
      if (!folders.has(ownKey)) folders.set(ownKey, entry.name)
      continue
    }
    const earlier = files.get(ownKey)
    if (earlier !== undefined) {
      problems.push(
        `${JSON.stringify(earlier)} and ${JSON.stringify(entry.name)}: map to the same file`
      )
    } else {
      files.set(ownKey, entry.name)
    }
  }
  for (const [key, fileName] of files) {
    const folderName = folders.get(key)
    if (folderName !== undefined) {
      problems.push(
        `${JSON.stringify(fileName)} and ${JSON.stringify(folderName)}: the same path is both a file and a folder`
      )
    }
  }
  return problems
}

function collisionKey(segments: string[]): string {
  return segments.join('/').normalize('NFC').toLowerCase()
}

function unsafePackageError(packageName: string, problems: string[]): UnsafeArchiveError {
  const listed = problems.slice(0, LISTED_PROBLEMS).map(problem => `  - ${problem}`)
  if (problems.length > LISTED_PROBLEMS) {
    listed.push(`  - and ${problems.length - LISTED_PROBLEMS} more`)
  }
  return new UnsafeArchiveError(
    `The package ${packageName} was not unpacked: ${problems.length} of its entries are unsafe ` +
      `(they could be written outside the destination folder or are not plain files):\n` +
      listed.join('\n'),
    'Nothing was written. The package may be corrupt or malicious: report it to its publisher.'
  )
}

async function writeEntries(
  zipPath: string,
  plan: PlannedEntry[],
  root: string
): Promise<ExtractResult> {
  const result: ExtractResult = { files: 0, bytes: 0 }
  for (const { entry, segments } of plan) {
    if (segments.length === 0) continue
    const target = resolveInside(root, segments, entry.name)
    if (entry.isDirectory) {
      await mkdir(target, { recursive: true })
      continue
    }
    await mkdir(path.dirname(target), { recursive: true })
    // 'wx': never write through something already there.
    await pipeline(
      await openEntryStream(zipPath, entry),
      createWriteStream(target, { flags: 'wx' })
    )
    result.files++
    result.bytes += entry.uncompressedSize
  }
  return result
}

/** Defence in depth: the checked entry names must never resolve outside the folder. */
function resolveInside(root: string, segments: string[], entryName: string): string {
  const target = path.resolve(root, ...segments)
  const relative = path.relative(root, target)
  if (
    relative === '' ||
    relative === '..' ||
    relative.startsWith(`..${path.sep}`) ||
    path.isAbsolute(relative)
  ) {
    throw new UnsafeArchiveError(
      `The package entry ${JSON.stringify(entryName)} resolves outside the destination folder.`
    )
  }
  return target
}

/** On Windows a virus scanner can briefly hold a fresh folder open, failing the rename. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to)
      return
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      const transient = code === 'EPERM' || code === 'EACCES' || code === 'EBUSY'
      if (!transient || attempt >= RENAME_ATTEMPTS) throw error
      await sleep(100 * attempt)
    }
  }
}
