// Putting a finished, verified file in place without ever replacing anything the action did not
// create. What is already there is only accepted when it is exactly what would be written, the
// same bytes: that is how an earlier run's output is recognised; anything else in the way fails
// the step and stays as it was. (An unpacked folder: core/zip/place-folder.ts.)
import { link, lstat, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { DestinationConflictError } from './errors.js'
import { pathExists } from './exists.js'
import { sha256OfFile } from './hashing.js'

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
    if (await pathExists(finalPath)) {
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
  else if ((await sha256OfFile(finalPath)) !== expected.sha256)
    difference = 'its content differs from the package'
  if (difference) {
    throw new DestinationConflictError(
      `${finalPath} already exists and is not the package ${packageName}: ${difference}. It was left as it was.`,
      `The action never overwrites a file it did not create (an earlier download of the same package is fine). ` +
        `Move or remove ${path.basename(finalPath)}, or set path to another folder.`
    )
  }
}
