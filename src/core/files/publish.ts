// Putting a finished package (and its unpacked folder) in place without ever replacing anything
// the action did not create. What is already there is only accepted when it is exactly what would
// be written: the same bytes for the file, the same files and bytes for the folder. That is how an
// earlier run's output is recognised; anything else in the way fails the step and stays as it was.
import { createReadStream } from 'node:fs'
import { link, lstat, rename, rm } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { DestinationConflictError } from './errors.js'
import { differenceFrom, renameWithRetry, type PlannedEntry } from '../zip/extract.js'

/** 'created': the path is new; 'unchanged': identical content was already there. */
export type Placement = 'created' | 'unchanged'

// Where hard links are not available, the file is renamed into place after a check instead.
const NO_HARD_LINKS = new Set([
  'EPERM',
  'ENOTSUP',
  'EOPNOTSUPP',
  'ENOSYS',
  'EXDEV',
  'EMLINK',
  'EACCES'
])

/**
 * Gives the complete temporary file its final name. A hard link creates the name atomically and
 * never replaces an existing one; the temporary name is then removed.
 */
export async function placeFile(
  tempPath: string,
  finalPath: string,
  expected: { size: number; sha256: string },
  packageName: string
): Promise<Placement> {
  try {
    await link(tempPath, finalPath)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') {
      await assertSameFile(finalPath, expected, packageName)
      await rm(tempPath, { force: true })
      return 'unchanged'
    }
    if (!code || !NO_HARD_LINKS.has(code)) throw error
    if (await exists(finalPath)) {
      await assertSameFile(finalPath, expected, packageName)
      await rm(tempPath, { force: true })
      return 'unchanged'
    }
    await rename(tempPath, finalPath)
    return 'created'
  }
  await rm(tempPath, { force: true })
  return 'created'
}

/** Renames the unpacked staging folder into place, or accepts an identical folder already there. */
export async function placeFolder(
  staging: string,
  destination: string,
  plan: PlannedEntry[],
  packageName: string
): Promise<Placement> {
  if (!(await exists(destination))) {
    try {
      await renameWithRetry(staging, destination)
      return 'created'
    } catch (error) {
      // Another run may have unpacked the same package there meanwhile; that is fine.
      if (!(await exists(destination))) throw error
    }
  }
  // Compared with the package as just unpacked: a folder is accepted only with the same bytes.
  await assertSameFolder(destination, plan, packageName, staging)
  await rm(staging, { recursive: true, force: true })
  return 'unchanged'
}

/**
 * Fails unless `destination` is absent or holds exactly the package's files: compared with the
 * `unpacked` copy when there is one, else (a quick check before unpacking) by size and CRC-32.
 */
export async function assertSameFolder(
  destination: string,
  plan: PlannedEntry[],
  packageName: string,
  unpacked?: string
): Promise<void> {
  const stats = await lstat(destination).catch(() => undefined)
  if (!stats) return
  const difference = stats.isDirectory()
    ? await differenceFrom(destination, plan, unpacked)
    : 'it is not a folder'
  if (difference) {
    throw conflict(
      `${destination} is in the way of unpacking ${packageName}: ${difference}.`,
      'The action unpacks into a folder named after the package beside it, and replaces such a folder only when it holds ' +
        "exactly what the package holds (an earlier run's). Move or remove that folder, or set path to another folder."
    )
  }
}

async function assertSameFile(
  finalPath: string,
  expected: { size: number; sha256: string },
  packageName: string
): Promise<void> {
  const stats = await lstat(finalPath)
  let difference: string | undefined
  if (!stats.isFile()) difference = 'it is not a plain file'
  else if (stats.size !== expected.size)
    difference = `it has ${stats.size} bytes, the package ${expected.size}`
  else if ((await sha256Of(finalPath)) !== expected.sha256)
    difference = 'its content differs from the package'
  if (difference) {
    throw conflict(
      `${finalPath} already exists and is not the package ${packageName}: ${difference}. It was left as it was.`,
      `The action never overwrites a file it did not create (an earlier download of the same package is fine). ` +
        `Move or remove ${path.basename(finalPath)}, or set path to another folder.`
    )
  }
}

function conflict(message: string, hint: string): DestinationConflictError {
  return new DestinationConflictError(message, hint)
}

async function exists(target: string): Promise<boolean> {
  return (await lstat(target).catch(() => undefined)) !== undefined
}

async function sha256Of(filePath: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
