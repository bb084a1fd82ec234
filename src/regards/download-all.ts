// Every selected file, `concurrency` at once (fewer after a rate rejection): nearline files made
// available first when `restore` is on; one failed file does not stop the others, except a spent
// quota, after which nothing more is downloaded.
import path from 'node:path'
import { pathExists } from '../core/files/exists.js'
import { CancelledError } from '../core/step/errors.js'
import { toError } from '../core/step/errors.js'
import * as log from '../core/step/log.js'
import {
  obtainFile,
  notRestored,
  QuotaSpentError,
  type DownloadContext,
  type FileResult
} from './download.js'
import { FileError } from './errors.js'
import { algorithmKey } from './file-cache.js'
import type { Placement } from './placement.js'

export interface FileProblem {
  placement: Placement
  error: Error
}

export interface DownloadOutcome {
  results: FileResult[]
  problems: FileProblem[]
}

const labelOf = (placement: Placement) => `${placement.folder}/${placement.name}`

export async function obtainAll(
  placements: Placement[],
  context: DownloadContext
): Promise<DownloadOutcome> {
  const results: FileResult[] = []
  const problems: FileProblem[] = []
  let todo = placements

  const nearline = await nearlineToFetch(placements, context)
  if (context.restorer && nearline.length > 0) {
    const outcome = await log.group(`Restore ${nearline.length} nearline file(s)`, () =>
      context.restorer!.makeAvailable(nearline.map(placement => placement.file))
    )
    const stuck = nearline.filter(placement =>
      outcome.unavailable.has(placement.file.checksum.toLowerCase())
    )
    if (stuck.length > 0) {
      const failure = notRestored(stuck.map(labelOf))
      for (const placement of stuck) problems.push({ placement, error: failure })
      todo = placements.filter(placement => !stuck.includes(placement))
    }
  }

  let quota: QuotaSpentError | undefined
  await log.group(`Download ${todo.length} file(s)`, () =>
    Promise.all(
      todo.map(placement =>
        context.limiter.run(async () => {
          if (quota) {
            problems.push({ placement, error: skipped(quota) })
            return
          }
          try {
            results.push(await obtainFile(placement, context))
          } catch (thrown) {
            const error = toError(thrown)
            if (error instanceof CancelledError || context.scope.cancelled)
              throw context.scope.reason ?? error
            if (error instanceof QuotaSpentError) quota ??= error
            log.info(`${labelOf(placement)} failed: ${error.message}`)
            problems.push({ placement, error })
          }
        })
      )
    )
  )
  const order = (placement: Placement) => placements.indexOf(placement)
  results.sort((a, b) => order(a.placement) - order(b.placement))
  problems.sort((a, b) => order(a.placement) - order(b.placement))
  return { results, problems }
}

/**
 * The nearline files that must come from REGARDS: not those already at their name in `path` (kept
 * or in the way, neither is downloaded) nor those in the tool cache, which cost no request. A
 * cached copy found damaged later is downloaded, and a 410 then is restored as any other.
 */
async function nearlineToFetch(
  placements: Placement[],
  context: DownloadContext
): Promise<Placement[]> {
  const local = await Promise.all(
    placements.map(async placement => {
      if (placement.file.online !== false) return true
      const { file } = placement
      if (await pathExists(path.join(context.destination, placement.folder, placement.name)))
        return true
      const key = algorithmKey(file.digestAlgorithm)
      return (await context.cache?.lookup(key, file.checksum.toLowerCase())) !== undefined
    })
  )
  return placements.filter((_, index) => !local[index])
}

function skipped(quota: QuotaSpentError): FileError {
  return new FileError('not downloaded: the download quota was spent by then.', quota.hint)
}
