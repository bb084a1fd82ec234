import { writeFileSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { CONTROL_CHARACTER } from '../inputs/text.js'
import { diskFullError } from '../files/disk-full.js'
import { partialPathIn } from '../files/partial-path.js'
import type { CancelScope } from '../step/cancel-scope.js'
import { ActionError } from '../step/errors.js'
import { UnsafeArchiveError } from './errors.js'
import { ENTRIES_PER_TURN, FolderMaker, isSmallEntry } from './small-entries.js'
import { METHOD_DEFLATED, METHOD_STORED, type ZipArchive, type ZipEntry } from './zip-archive.js'
import { FORBIDDEN_ON_WINDOWS, isWindowsDeviceName } from '../files/file-name.js'
import { writeEntryFile } from './entry-file.js'

export interface UnpackedFolder {
  /** A hidden folder beside the destination, listed in the scope until it is renamed or removed. */
  staging: string
  /** Files written (folders not counted). */
  files: number
  /** Bytes written. */
  bytes: number
}

const LISTED_PROBLEMS = 5

/** The folder a package is unpacked into: beside it, named after it without its extension. */
export function extractedFolderFor(filePath: string): string {
  const { dir, name, ext } = path.parse(filePath)
  return path.join(dir, ext ? name : `${name}-extracted`)
}

/**
 * Unpacks every planned entry into a new hidden folder beside `destination`, checking each one's
 * size and CRC-32; the caller renames it into place. On any failure the folder is removed and the
 * error names the package.
 */
export async function unpackToStaging(
  archive: ZipArchive,
  plan: PlannedEntry[],
  destination: string,
  packageName: string,
  scope: CancelScope
): Promise<UnpackedFolder> {
  const staging = partialPathIn(path.dirname(destination), scope.owner)
  const untrack = scope.track(staging)
  try {
    await mkdir(staging)
    const result = await writeEntries(archive, plan, staging, scope)
    return { staging, ...result }
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    untrack()
    scope.throwIfCancelled()
    const declared = plan.reduce((sum, { entry }) => sum + entry.uncompressedSize, 0)
    const doing = `unpacking the package ${packageName}`
    throw (
      diskFullError(error, doing, path.dirname(destination), declared) ??
      unpackError(error, packageName)
    )
  }
}

function unpackError(error: unknown, packageName: string): Error {
  if (error instanceof UnsafeArchiveError) {
    return new UnsafeArchiveError(
      `The package ${packageName} could not be unpacked: ${error.message}`,
      error.hint,
      { cause: error }
    )
  }
  if (error instanceof ActionError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new ActionError(`Could not unpack the package ${packageName}: ${message}`, undefined, {
    cause: error
  })
}

export interface PlannedEntry {
  entry: ZipEntry
  /** The entry's path, split on both separators, without empty and "." segments. */
  segments: string[]
}

/** Checks every entry and returns them with their paths, or throws naming the unsafe ones. */
export function planExtraction(entries: ZipEntry[], packageName: string): PlannedEntry[] {
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
  if (entry.isEncrypted) return 'is encrypted (password-protected entries cannot be unpacked)'
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
    `The package ${packageName} was not unpacked: ${problems.length} of its entries cannot be ` +
      `unpacked safely (outside the destination folder, not plain files, or not readable):\n` +
      listed.join('\n'),
    'Nothing was written: neither the package nor the folder. The package may be corrupt or malicious: report it to its publisher.'
  )
}

async function writeEntries(
  archive: ZipArchive,
  plan: PlannedEntry[],
  root: string,
  scope: CancelScope
): Promise<{ files: number; bytes: number }> {
  const result = { files: 0, bytes: 0 }
  // Folders made once each, small entries read and written whole: small-entries.ts.
  const folders = new FolderMaker()
  for (const { entry, segments } of plan) {
    scope.throwIfCancelled()
    if (segments.length === 0) continue
    const target = resolveInside(root, segments, entry.name)
    if (entry.isDirectory) {
      folders.ensure(target)
      continue
    }
    folders.ensure(path.dirname(target))
    // 'wx': never write through something already there.
    if (isSmallEntry(entry)) {
      writeFileSync(target, await archive.readSmallEntry(entry), { flag: 'wx' })
      if (result.files % ENTRIES_PER_TURN === 0) await new Promise(setImmediate)
    } else {
      await writeEntryFile(archive, entry, target, scope.signal)
    }
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
