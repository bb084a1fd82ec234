import { lstat } from 'node:fs/promises'

/** Whether anything (a file, a folder, a link, even a broken one) is at `target`. */
export async function pathExists(target: string): Promise<boolean> {
  return (await lstat(target).catch(() => undefined)) !== undefined
}
