// One selected file, from wherever it comes cheapest: already in place, the tool cache, or a
// download of its `uri` exactly as the catalog gives it, read by its status (download-status.ts)
// and verified before it takes its name. Only a failed transfer is repeated: a verified file is
// never asked for again.
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { ensureDestinationFolder } from '../core/files/destination-folder.js'
import { copyWithDigest } from '../core/files/hashing.js'
import { partialPathIn } from '../core/files/partial-path.js'
import { placeFile } from '../core/files/place-file.js'
import { saveBodyToTempFile, type SavedBody } from '../core/files/save-stream.js'
import { formatDuration } from '../core/format.js'
import type { Clock } from '../core/http/clock.js'
import { HttpStatusError, TransportError } from '../core/http/errors.js'
import type { ApiRequest, Requester } from '../core/http/request.js'
import type { StepBudget } from '../core/http/step-budget.js'
import type { CancelScope } from '../core/step/cancel-scope.js'
import { ActionError } from '../core/step/errors.js'
import * as log from '../core/step/log.js'
import type { RegardsClient } from './client.js'
import { downloadVerdict } from './download-status.js'
import type { RegardsFile } from './entity.js'
import { FileError, RegardsError } from './errors.js'
import { algorithmKey, type FileCache } from './file-cache.js'
import { inPlace } from './in-place.js'
import type { Limiter } from './limiter.js'
import type { Placement } from './placement.js'
import type { Restorer } from './restore.js'
import { addQueryParameter, isFetchable, sameOrigin, withAcceptLicense } from './urls.js'
import { algorithmsFor, assertDownloaded, verification, type Verification } from './verify.js'

export interface DownloadContext {
  root: string
  tenant: string
  client: RegardsClient
  /** For URIs the token must not go to: reference files, other origins. No authorization. */
  outside: Requester
  restorer: Restorer | undefined
  acceptLicense: boolean
  cache: FileCache | undefined
  /** `path`, absolute. */
  destination: string
  scope: CancelScope
  budget: StepBudget
  clock: Clock
  limiter: Limiter
  timeoutMs: number
}

export interface FileResult {
  placement: Placement
  path: string
  size: number
  sha256: string
  cacheHit: boolean
  verification: Verification
  /** Download requests sent for it (0 for a cache hit). */
  attempts: number
  /** 'cache', 'in place', or 'download'. */
  source: 'cache' | 'in place' | 'download'
}

/** The account's download quota is spent: nothing more is downloaded in this step. */
export class QuotaSpentError extends FileError {}

/** The first wait after REGARDS says too many downloads run at once; it doubles after that. */
const RATE_WAIT_MS = 5_000

export async function obtainFile(
  placement: Placement,
  context: DownloadContext
): Promise<FileResult> {
  const { file } = placement
  const folder = path.join(context.destination, placement.folder)
  await ensureDestinationFolder(folder)
  const finalPath = path.join(folder, placement.name)
  const label = `${placement.folder}/${placement.name}`
  const base = { placement, path: finalPath, verification: verification(file) }

  const existing = await inPlace(finalPath, file)
  if (existing.kind === 'same') {
    log.info(`${label} is already in place with the catalog's checksum: kept, no request.`)
    return { ...base, ...existing, cacheHit: true, attempts: 0, source: 'in place' }
  }

  const cached = await fromCache(file, folder, context)
  if (cached) {
    await place(cached.tempPath, finalPath, cached, label)
    log.info(`${label} came from the tool cache: no request, no quota spent.`)
    return {
      ...base,
      size: cached.size,
      sha256: cached.sha256,
      cacheHit: true,
      attempts: 0,
      source: 'cache'
    }
  }

  const saved = await download(file, label, folder, context)
  try {
    await assertDownloaded(file, label, saved)
    if (verification(file) === 'size') {
      log.warning(
        `${label}: the catalog's digest algorithm ${file.digestAlgorithm ?? '(none)'} is not one the action knows; it was checked by its size only.`
      )
    }
    await place(saved.tempPath, finalPath, saved, label)
  } finally {
    await rm(saved.tempPath, { force: true })
  }
  if (context.cache) {
    await context.cache
      .store(
        finalPath,
        {
          fileName: placement.name,
          size: saved.size,
          sha256: saved.sha256,
          checksum: file.checksum,
          algorithm: algorithmKey(file.digestAlgorithm)
        },
        context.scope
      )
      .catch(error =>
        log.warning(`${label} was not kept in the tool cache: ${(error as Error).message}`)
      )
  }
  return {
    ...base,
    size: saved.size,
    sha256: saved.sha256,
    cacheHit: false,
    attempts: saved.attempts,
    source: 'download'
  }
}

async function place(
  tempPath: string,
  finalPath: string,
  saved: { size: number; sha256: string },
  label: string
) {
  await placeFile(tempPath, finalPath, saved, label)
}

/** The cached copy, checked on its way next to the destination; undefined on a miss. */
async function fromCache(
  file: RegardsFile,
  folder: string,
  context: DownloadContext
): Promise<{ tempPath: string; size: number; sha256: string } | undefined> {
  const cache = context.cache
  if (!cache) return undefined
  const id = algorithmKey(file.digestAlgorithm)
  const hit = await cache.lookup(id, file.checksum.toLowerCase())
  if (!hit) return undefined
  const tempPath = partialPathIn(folder, context.scope.owner)
  const untrack = context.scope.track(tempPath)
  try {
    const copy = await copyWithDigest(hit.filePath, tempPath, context.scope.signal)
    if (copy.sha256 === hit.entry.sha256 && (file.size === null || copy.size === file.size)) {
      untrack()
      return { tempPath, ...copy }
    }
    log.warning(
      `The cached copy of ${file.filename ?? file.checksum} is damaged; downloading it again.`
    )
  } catch (error) {
    context.scope.throwIfCancelled()
    log.warning(
      `The cached copy of ${file.filename ?? file.checksum} cannot be used (${(error as Error).message}).`
    )
  }
  await rm(tempPath, { force: true })
  untrack()
  await cache.evict(id, file.checksum.toLowerCase())
  return undefined
}

type Saved = SavedBody & { attempts: number }

/** Downloads the file's bytes into a temporary file of its folder, reading every status. */
async function download(
  file: RegardsFile,
  label: string,
  folder: string,
  context: DownloadContext
): Promise<Saved> {
  if (!isFetchable(file.uri)) {
    throw new FileError(
      `${label}: the catalog gives its uri as ${JSON.stringify(file.uri)}, which is not http or https; the action fetches only those.`,
      'Download it another way, or narrow file-types or files to leave it out.'
    )
  }
  const toGateway = !file.reference && sameOrigin(file.uri, context.root)
  let acceptLicense = false
  let restored = false
  let rateWaitMs = RATE_WAIT_MS
  let attempts = 0
  for (;;) {
    let uri = acceptLicense ? withAcceptLicense(file.uri) : file.uri
    if (toGateway && context.client.session.kind === 'public')
      uri = addQueryParameter(uri, 'scope', context.tenant)
    const request: ApiRequest<SavedBody> = {
      label: `download of ${label}`,
      method: 'GET',
      url: new URL(uri),
      changesState: false,
      read: async message => {
        if (message.statusCode === 202) {
          message.resume()
          throw new TransportError('REGARDS answered 202: the file is not downloadable yet.', true)
        }
        return saveBodyToTempFile(
          message,
          folder,
          context.timeoutMs,
          context.scope,
          algorithmsFor(file)
        )
      }
    }
    try {
      const answer = toGateway
        ? await context.client.send(request)
        : await context.outside.send(request)
      attempts += answer.attempts
      return { ...answer.value, attempts }
    } catch (error) {
      context.scope.throwIfCancelled()
      if (error instanceof ActionError && error.attempts) attempts += error.attempts
      if (!(error instanceof HttpStatusError)) {
        if (error instanceof RegardsError || !(error instanceof ActionError)) throw error
        throw new FileError(`${label}: ${error.message}`, error.hint, { cause: error })
      }
      const verdict = downloadVerdict(error.status, error.body)
      switch (verdict.kind) {
        case 'forbidden':
          throw new FileError(
            `${label}: the account has no access to this file of ${file.providerId ?? file.product} (HTTP 403).`,
            'Ask the project administrator for access to its data, or sign in with another account. The action does not retry a 403.',
            { cause: error }
          )
        case 'not-found':
          throw new FileError(
            `${label}: REGARDS knows no such product or file (HTTP 404).`,
            'The catalog may have changed since the search; run the step again, and check products or query.',
            { cause: error }
          )
        case 'nearline': {
          const restorer = context.restorer
          if (restorer && !restorer.forbidden && !restored) {
            restored = true
            const outcome = await restorer.makeAvailable([file])
            if (outcome.unavailable.size > 0) throw notRestored([label], error)
            if (!outcome.forbidden) continue
          }
          if (restorer?.forbidden) {
            throw new FileError(
              `${label} is nearline and not available (HTTP 410), and the account lacks the role for availability and restore (EXPLOIT by default).`,
              'Ask the project administrator for the role, or make the file available in the REGARDS web interface, then run the step again.',
              { cause: error }
            )
          }
          throw new FileError(
            `${label} is nearline and not available now (HTTP 410).`,
            'Set restore: true to have the action restore it and wait, or make it available in the REGARDS web interface.',
            { cause: error }
          )
        }
        case 'licence': {
          const link = verdict.licenseLink ? ` (${verdict.licenseLink})` : ''
          if (context.client.session.kind === 'public' && toGateway) {
            throw new FileError(
              `${label}: the project's licence${link} must be accepted (HTTP 423), and public access cannot accept a licence.`,
              'Sign in with username and password (or token) of an account that has accepted it, or set accept-license: true with that account.',
              { cause: error }
            )
          }
          if (context.acceptLicense && !acceptLicense) {
            log.info(
              `${label}: accepting the project's licence${link} on the account's behalf (accept-license: true).`
            )
            acceptLicense = true
            continue
          }
          throw new FileError(
            `${label}: the project's licence${link} has not been accepted (HTTP 423).`,
            context.acceptLicense
              ? 'REGARDS still refused after the action accepted the licence; accept it in the REGARDS web interface.'
              : "Read the licence; to accept it on the account's behalf, set accept-license: true (accepting a licence is a legal act), or accept it in the REGARDS web interface.",
            { cause: error }
          )
        }
        case 'quota':
          throw new QuotaSpentError(
            `${label}: the account's download quota is spent (HTTP 429: ${verdict.message}); nothing more was downloaded.`,
            'Each RAWDATA download spends one unit of the quota, for good: ask the project administrator for more. Keep cache: true and save the tool cache with actions/cache, so that files already downloaded spend no quota again.',
            { cause: error }
          )
        case 'rate': {
          context.limiter.fewer()
          if (!context.budget.fits(rateWaitMs)) {
            throw new FileError(
              `${label}: REGARDS still refused it for too many downloads at once (HTTP 429: ${verdict.message}), and the next wait does not fit in max-wait-seconds.`,
              'Lower concurrency, raise max-wait-seconds, or run the step when fewer downloads of the account run.',
              { cause: error }
            )
          }
          log.info(
            `${label}: too many downloads at once (HTTP 429); waiting ${formatDuration(rateWaitMs)}, then going on with at most ${context.limiter.current} at once.`
          )
          context.budget.recordWait({
            label: `download of ${label}`,
            attempt: attempts,
            reason: 'download rate exceeded (HTTP 429)',
            ms: rateWaitMs
          })
          await context.clock.sleep(rateWaitMs, context.scope.signal)
          rateWaitMs *= 2
          continue
        }
        case 'maintenance':
          throw new FileError(
            `${label}: the REGARDS project is in maintenance (HTTP 515) and stayed so for every attempt.`,
            'Run the step again once the maintenance is over; raise max-attempts or max-wait-seconds to wait longer.',
            { cause: error }
          )
        default:
          throw new FileError(
            `${label}: the download failed: ${error.message}.`,
            'Run the step again later; raise max-attempts or max-wait-seconds for a server in trouble.',
            { cause: error }
          )
      }
    }
  }
}

/** Files still not available once restore-timeout-minutes is spent. */
export function notRestored(labels: string[], cause?: unknown): FileError {
  return new FileError(
    `${labels.join(', ')} still not available after restore-timeout-minutes; REGARDS has not finished restoring it.`,
    'Raise restore-timeout-minutes, or run the step again later: the restore goes on on the server.',
    { cause }
  )
}
