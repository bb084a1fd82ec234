// What both Windows-lane test files share: whether the lane can run here (skipped with one line
// where Wine or Windows' Node is missing, a failure under .ci/run), and a job's folders with the
// tool cache on drive D:, removed when the file's tests end.
import { afterAll, describe } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { findWine, secondDriveFolder } from '../../scripts/wine.js'
import type { RunnerDirs } from '../helpers/run-bundle.js'

export const wine = findWine()
export const lane = 'missing' in wine ? describe.skip : describe
if ('missing' in wine) {
  // .ci/run installs what the lane needs, so there a missing piece is a failure, not a skip.
  if (process.env['WINDOWS_LANE_REQUIRED'])
    throw new Error(`The Windows lane cannot run: ${wine.missing}.`)
  process.stderr.write(`Windows lane skipped: ${wine.missing}.\n`)
}

const made: string[] = []
afterAll(() => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true })
})

/** A new folder on drive D: (another file system), removed at the end. */
export function secondDriveFolderForTest(prefix: string): string {
  const folder = secondDriveFolder(prefix)
  made.push(folder)
  return folder
}

/** A job's folders: workspace and temp on Z: (the host's /tmp), the tool cache on D:. */
export function windowsDirs(prefix: string, toolCache?: string): RunnerDirs {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(root)
  const dirs = {
    root,
    workspace: path.join(root, 'workspace'),
    temp: path.join(root, 'runner-temp'),
    toolCache: toolCache ?? secondDriveFolderForTest('tool-cache-')
  }
  mkdirSync(dirs.workspace)
  mkdirSync(dirs.temp)
  return dirs
}

/** A folder on Z: outside any job, removed at the end. */
export function tempFolderForTest(prefix: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(folder)
  return folder
}
