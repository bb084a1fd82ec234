import { rename } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

const RENAME_ATTEMPTS = 5

/** On Windows a virus scanner can briefly hold a fresh folder open, failing the rename. */
export async function renameWithRetry(from: string, to: string): Promise<void> {
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
