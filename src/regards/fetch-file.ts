// A file's bytes fetched from its `uri` exactly as the catalog gives it, into a temporary file of
// its folder, every status read (download-status.ts): a licence accepted once when allowed, a
// nearline file restored once, the rate waited out with fewer downloads at once, a spent quota
// reported at once. Only a failed transfer is repeated.
import { saveBodyToTempFile, type SavedBody } from '../core/files/save-stream.js'
import { formatDuration } from '../core/format.js'
import { HttpStatusError, TransportError } from '../core/http/errors.js'
import type { ApiRequest } from '../core/http/request.js'
import { ActionError } from '../core/step/errors.js'
import * as log from '../core/step/log.js'
import { notRestored, QuotaSpentError, type DownloadContext } from './download-context.js'
import { downloadVerdict } from './download-status.js'
import type { RegardsFile } from './entity.js'
import { FileError, RegardsError } from './errors.js'
import { addQueryParameter, isFetchable, sameOrigin, withAcceptLicense } from './urls.js'
import { algorithmsFor } from './verify.js'

/** The first wait after REGARDS says too many downloads run at once; it doubles after that. */
const RATE_WAIT_MS = 5_000

export type Saved = SavedBody & { attempts: number }

/** Downloads the file's bytes into a temporary file of its folder, reading every status. */
export async function fetchFile(
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
        return saveBodyToTempFile(message, folder, context.timeoutMs, context.scope, {
          algorithms: algorithmsFor(file),
          clock: context.clock,
          // A file may not decode to more than the catalog's size for it (a decompression bomb).
          decoded: { size: file.size ?? undefined, kind: 'the file' }
        })
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
          context.budget.spend(rateWaitMs)
          context.requests.recordWait({
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
