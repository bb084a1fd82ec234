// The step's work once the inputs are valid: sign in, find the products, pick their files, make
// nearline ones available when asked to, download and verify each, and report them. Loaded on
// demand (run.ts), so a step that only rejects an input loads no HTTP code.
import path from 'node:path'
import { ensureDestinationFolder } from '../core/files/destination-folder.js'
import { systemClock, type Clock } from '../core/http/clock.js'
import { Requester, type RequesterOptions } from '../core/http/request.js'
import type { RateLimitPolicy } from '../core/http/retry-policy.js'
import { stepRequesterOptions } from '../core/http/step-requests.js'
import type { Transport } from '../core/http/transport.js'
import type { CancelScope } from '../core/step/cancel-scope.js'
import * as log from '../core/step/log.js'
import { RegardsClient } from './client.js'
import { obtainAll } from './download-all.js'
import type { RegardsProduct } from './entity.js'
import { FileError, RegardsError } from './errors.js'
import { FileCache } from './file-cache.js'
import type { Settings } from './inputs/schema.js'
import { Limiter } from './limiter.js'
import { outputsOnExit } from './outputs-on-exit.js'
import { planPlacements, PlacementError } from './placement.js'
import type { StepReport } from './report.js'
import { Restorer } from './restore.js'
import { describeHeld, selectFiles } from './select.js'
import { Session } from './session.js'

/** Seams for tests; the action itself runs with the defaults. */
export interface RunDependencies {
  clock?: Clock
  transport?: Transport
}

export const USER_AGENT = 'regards-download-action'

// REGARDS has no rate limit on its other routes; the download rate's 429 is read per file
// (download.ts), where a quota text must not be repeated.
const NO_RATE_LIMIT: RateLimitPolicy = {
  statuses: [],
  refillMs: 5_000,
  explanation: 'REGARDS limits how many downloads of an account run at once.'
}

// 515: the project is in maintenance; it may end within the budget.
const TRANSIENT = { transient: [500, 502, 503, 504, 515] }

export async function perform(
  settings: Settings,
  report: StepReport,
  scope: CancelScope,
  dependencies: RunDependencies = {}
): Promise<void> {
  const clock = dependencies.clock ?? systemClock
  const step = stepRequesterOptions(settings, scope, dependencies)
  const { timeoutMs, budget, log: requests } = step
  report.requests = requests
  const shared: Omit<RequesterOptions, 'authorization'> = {
    rateLimit: NO_RATE_LIMIT,
    statuses: TRANSIENT,
    userAgent: USER_AGENT,
    ...step
  }
  const session = new Session({
    root: settings.url,
    tenant: settings.tenant,
    credentials: settings.credentials,
    client: settings.client,
    requester: new Requester(shared),
    clock,
    timeoutMs
  })
  const client = new RegardsClient(
    settings.url,
    session,
    new Requester({ ...shared, authorization: session.authorization() }),
    timeoutMs
  )
  const destination = destinationFolder(settings.path)
  report.destination = destination

  await outputsOnExit(report, async () => {
    if (settings.credentials.kind === 'password') {
      await log.group('Sign in', () => session.signIn())
    }
    const products = await log.group('Find the products', () => findProducts(settings, client))
    report.products = products
    const all = products.flatMap(product => product.files)
    const selected = selectFiles(all, { types: settings.fileTypes, globs: settings.fileGlobs })
    report.selected = selected.length
    if (selected.length === 0) {
      throw new RegardsError(
        `No file of the ${products.length} product(s) matches file-types ${describeTypes(settings)} and files ${settings.fileGlobs.join(', ')}; they hold ${describeHeld(all)}.`,
        'Set file-types (all takes every type) and files to what the products hold.'
      )
    }
    if (selected.length > settings.maxFiles) {
      throw new RegardsError(
        `The selection holds ${selected.length} files, more than max-files (${settings.maxFiles}); nothing was downloaded.`,
        "Each RAWDATA download spends one unit of the account's quota, for good: narrow products, query, file-types or files, or raise max-files."
      )
    }
    let placements
    try {
      placements = planPlacements(selected)
    } catch (error) {
      if (!(error instanceof PlacementError)) throw error
      throw new RegardsError(`${error.message}; nothing was downloaded.`)
    }
    await ensureDestinationFolder(destination)
    const restorer = settings.restore
      ? new Restorer(client, clock, settings.restoreTimeoutMs, scope.signal)
      : undefined
    report.restorer = restorer
    const outcome = await obtainAll(placements, {
      root: settings.url,
      tenant: settings.tenant,
      client,
      outside: new Requester(shared),
      restorer,
      acceptLicense: settings.acceptLicense,
      cache: settings.cache ? FileCache.fromEnvironment() : undefined,
      destination,
      scope,
      budget,
      requests,
      clock,
      limiter: new Limiter(settings.concurrency),
      timeoutMs
    })
    report.results = outcome.results
    report.problems = outcome.problems
    const { problems } = outcome
    if (problems.length === 1) throw problems[0].error
    if (problems.length > 1) {
      const each = problems.map(({ placement, error }) => {
        const hint = error instanceof FileError && error.hint ? ` ${error.hint}` : ''
        return `${placement.folder}/${placement.name}: ${error.message}${hint}`
      })
      throw new RegardsError(
        `${problems.length} of ${placements.length} files failed:\n${each.map(line => `  - ${line}`).join('\n')}`,
        `The ${outcome.results.length} file(s) downloaded and verified stay in ${destination} and are listed in the files output.`
      )
    }
    log.info(`${outcome.results.length} file(s) in place under ${destination}.`)
  })
}

async function findProducts(settings: Settings, client: RegardsClient): Promise<RegardsProduct[]> {
  const request = settings.products
  if (request.kind === 'ids') {
    const products: RegardsProduct[] = []
    for (const id of request.ids) products.push(await client.product(id))
    return products
  }
  const products = await client.search(request.query, request.dataset)
  if (products.length === 0) {
    throw new RegardsError(
      `The search ${JSON.stringify(request.query)}${request.dataset ? ` in dataset ${request.dataset}` : ''} found no product.`,
      'Check query (a search of the legacy engine, such as providerId:DATA-06*), dataset and tenant, and that the account may see the products.'
    )
  }
  return products
}

function describeTypes(settings: Settings): string {
  return settings.fileTypes === 'all' ? 'all' : settings.fileTypes.join(', ')
}

/** The folder for the files: `path` relative to the workspace, or absolute. */
function destinationFolder(input: string): string {
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd()
  return path.resolve(workspace, input)
}
