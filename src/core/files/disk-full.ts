// A disk that fills up while the action writes: said as such, with the space that was needed.
import { formatBytes } from '../format.js'
import { ActionError } from '../step/errors.js'

/** The file system has no room left (ENOSPC), or the user's quota is spent (EDQUOT). */
export class DiskFullError extends ActionError {}

export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}

/**
 * The error for a disk that filled up while `doing` ("saving the download") into `folder`;
 * undefined for any other error. `neededBytes` is what the whole write needed, or
 * (`atLeast`) what it had written when the disk filled up.
 */
export function diskFullError(
  error: unknown,
  doing: string,
  folder: string,
  neededBytes: number,
  atLeast = false
): DiskFullError | undefined {
  if (!isDiskFull(error)) return undefined
  const quota = (error as NodeJS.ErrnoException).code === 'EDQUOT' ? ' (disk quota exceeded)' : ''
  const needed = `; it needed ${atLeast ? 'more than ' : ''}${formatBytes(neededBytes)}`
  return new DiskFullError(
    `The disk ran out of space${quota} while ${doing} into ${folder}${needed}. Nothing was kept.`,
    'Free space on the runner (or choose a path on a larger disk), then run the step again.',
    { cause: error }
  )
}
