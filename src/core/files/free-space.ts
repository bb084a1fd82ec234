// Room on the disk, checked before a large write: what the write will need against what the file
// system says is free (statfs), so a package that cannot fit fails at once, with both figures,
// instead of filling the disk first.
import { stat, statfs } from 'node:fs/promises'
import path from 'node:path'
import { formatBytes } from '../format.js'
import { ActionError } from '../step/errors.js'

/** What a write will need in one folder. */
export interface SpaceNeed {
  folder: string
  bytes: number
  /** What the bytes are, for the message: "the files its entries declare". */
  what: string
}

/** There is not enough free space for what is about to be written; nothing was written. */
export class NotEnoughSpaceError extends ActionError {}

/** Bytes free for the user in the file system that holds `folder` (or its nearest existing parent). */
export async function freeBytes(folder: string): Promise<{ bytes: number; device: number }> {
  let existing = path.resolve(folder)
  for (;;) {
    try {
      const [space, info] = await Promise.all([statfs(existing), stat(existing)])
      return { bytes: space.bavail * space.bsize, device: info.dev }
    } catch (error) {
      const parent = path.dirname(existing)
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === existing) throw error
      existing = parent
    }
  }
}

/**
 * Throws a NotEnoughSpaceError when the needs that fall on one file system add up to more than it
 * has free. `doing` names the work: "Unpacking the package …".
 */
export async function assertFreeSpace(needs: SpaceNeed[], doing: string): Promise<void> {
  const byDevice = new Map<number, { free: number; needs: SpaceNeed[] }>()
  for (const need of needs) {
    const { bytes, device } = await freeBytes(need.folder)
    const entry = byDevice.get(device) ?? { free: bytes, needs: [] }
    entry.needs.push(need)
    byDevice.set(device, entry)
  }
  for (const { free, needs: onDisk } of byDevice.values()) {
    const total = onDisk.reduce((sum, need) => sum + need.bytes, 0)
    if (total <= free) continue
    const parts = onDisk.map(need => `${formatBytes(need.bytes)} in ${need.folder} (${need.what})`)
    throw new NotEnoughSpaceError(
      `${doing} needs ${parts.join(' and ')}, but only ${formatBytes(free)} is free on that disk. ` +
        'Nothing was unpacked or kept.',
      'Free space on the runner, or write to a folder on a larger disk; if the package is not meant to be that large, report it to its publisher.'
    )
  }
}
