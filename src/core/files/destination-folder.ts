import { mkdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { ActionError } from '../step/errors.js'
import { pathExists } from './exists.js'

/**
 * Creates the download folder and any missing parent, one level at a time. Not mkdir's own
 * `recursive`: where mkdir answers ENOENT for a parent that does exist (as under /proc), Node's
 * recursive mkdir retries forever, and its errors name no input.
 */
export async function ensureDestinationFolder(folder: string): Promise<void> {
  try {
    await createFolder(path.resolve(folder))
  } catch (error) {
    if (error instanceof ActionError) throw error
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new ActionError(
      `The folder for the download, ${folder}, cannot be created (${code}).`,
      'Set path to a folder the runner can write to, relative to the workspace or absolute.',
      { cause: error }
    )
  }
}

async function createFolder(folder: string, depth = 0): Promise<void> {
  try {
    await mkdir(folder)
    return
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return assertFolder(folder)
    const parent = path.dirname(folder)
    if (code !== 'ENOENT' || parent === folder || depth > 100) throw error
    // Only a parent that is really missing is created; one that exists means mkdir cannot.
    if (await pathExists(parent)) throw error
    await createFolder(parent, depth + 1)
    await mkdir(folder).catch(async (again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again
      await assertFolder(folder)
    })
  }
}

async function assertFolder(folder: string): Promise<void> {
  // stat, not lstat: a link to a folder (a common way to place the workspace) is a folder.
  if ((await stat(folder).catch(() => undefined))?.isDirectory()) return
  throw new ActionError(
    `The folder for the download, ${folder}, cannot be created: a file is in the way.`,
    'Set path to a folder, or move the file away; the action does not replace it.'
  )
}
