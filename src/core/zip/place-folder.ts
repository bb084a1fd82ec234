// Putting an unpacked folder in place beside its archive, replacing only an identical folder: the
// same folders, and files with the same bytes, as the archive holds (an earlier run's).
import { lstat, rm } from 'node:fs/promises'
import { DestinationConflictError } from '../files/errors.js'
import { pathExists } from '../files/exists.js'
import type { Placement } from '../files/place-file.js'
import { renameWithRetry } from '../files/rename-with-retry.js'
import type { PlannedEntry } from './extract.js'
import { differenceFrom } from './folder-difference.js'

/** Renames the unpacked staging folder into place, or accepts an identical folder already there. */
export async function placeFolder(
  staging: string,
  destination: string,
  plan: PlannedEntry[],
  packageName: string
): Promise<Placement> {
  if (!(await pathExists(destination))) {
    try {
      await renameWithRetry(staging, destination)
      return 'created'
    } catch (error) {
      // Another run may have unpacked the same package there meanwhile; that is fine.
      if (!(await pathExists(destination))) throw error
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
    throw new DestinationConflictError(
      `${destination} is in the way of unpacking ${packageName}: ${difference}.`,
      'The action unpacks into a folder named after the package beside it, and replaces such a folder only when it holds ' +
        "exactly what the package holds (an earlier run's). Move or remove that folder, or set path to another folder."
    )
  }
}
