import * as core from '@actions/core'
import path from 'node:path'
import { CancelScope } from './cancel-scope.js'
import { CatalogClient } from './catalog/client.js'
import { resolveVersion } from './catalog/resolve-version.js'
import { deployToSystems } from './deploy/deploy.js'
import { PackageCache } from './download/cache.js'
import { downloadPackage } from './download/download.js'
import { ActionError, DeployFailedError, toError } from './errors.js'
import type { Clock } from './http/clock.js'
import { ApiRequester, type Transport } from './http/request.js'
import { StepBudget } from './http/step-budget.js'
import { readInputs } from './inputs/read-inputs.js'
import type { Settings } from './inputs/schema.js'
import { setDeployOutputs, setDownloadOutputs, setRequestOutputs } from './outputs.js'
import { bindToRun, redact, withSecrets } from './redact.js'
import { writeSummary, type StepReport } from './summary/summary.js'

/** Seams for tests; the action itself runs with the defaults. */
export interface RunDependencies {
  clock?: Clock
  transport?: Transport
}

export interface RunOutcome {
  /** The runner cancelled the step; the caller should exit at once. */
  cancelled: boolean
}

/** How long a cancelled step may take to undo its work before it removes what is left at once. */
const CANCEL_GRACE_MS = 3000

export async function run(dependencies: RunDependencies = {}): Promise<RunOutcome> {
  // Masked before anything else can print it, even an input error.
  const apiKey = core.getInput('api-key')
  if (apiKey) core.setSecret(apiKey)
  return withSecrets([apiKey], () => runStep(dependencies))
}

async function runStep(dependencies: RunDependencies): Promise<RunOutcome> {
  const scope = new CancelScope()
  const failure = new FailureReport()
  const stopHandlingSignals = handleSignals(scope, failure)
  let report: StepReport | undefined
  try {
    const settings = readInputs()
    for (const warning of settings.warnings) core.warning(warning)
    report = {
      operation: settings.operation,
      catalogId: settings.catalogId,
      requestedVersion: settings.version
    }
    await perform(settings, report, scope, dependencies)
  } catch (thrown) {
    const error = scope.reason ?? toError(thrown)
    if (report) report.error = error
    failure.report(error)
  } finally {
    stopHandlingSignals()
  }
  if (scope.cancelled) scope.removeAllNow()
  if (report)
    await writeSummary(report).catch(error =>
      core.debug(`No step summary: ${toError(error).message}`)
    )
  return { cancelled: scope.cancelled }
}

/**
 * The runner cancels a step with SIGINT, then SIGTERM, then kills it. The first signal aborts
 * the work, which undoes itself like after any failure; if that takes too long, or a second signal
 * comes, what is left is removed at once and the process exits.
 */
function handleSignals(scope: CancelScope, failure: FailureReport): () => void {
  let deadline: NodeJS.Timeout | undefined
  const exitNow = () => {
    scope.removeAllNow()
    failure.report(scope.reason ?? new Error('The step was cancelled.'))
    process.exit()
  }
  // Signals arrive outside the run's async context; bound, the report still hides the key.
  const onSignal = bindToRun((signal: NodeJS.Signals) => {
    if (scope.cancelled) return exitNow()
    core.info(`${signal} received: stopping, and removing what this step has begun to write.`)
    scope.cancel(signal)
    deadline = setTimeout(exitNow, CANCEL_GRACE_MS)
  })
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    clearTimeout(deadline)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

async function perform(
  settings: Settings,
  report: StepReport,
  scope: CancelScope,
  dependencies: RunDependencies
): Promise<void> {
  const budget = new StepBudget(settings.maxWaitSeconds * 1000)
  report.budget = budget
  const timeoutMs = settings.timeoutSeconds * 1000
  const requester = new ApiRequester({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    maxAttempts: settings.maxAttempts,
    timeoutMs,
    budget,
    signal: scope.signal,
    ...dependencies
  })
  const client = new CatalogClient(requester, settings.baseUrl, timeoutMs)
  core.info(
    `Catalog item ${settings.catalogId}, version ${settings.version}: ${settings.operation} through ${settings.baseUrl.origin}`
  )

  try {
    const request = settings.versionRequest
    const version =
      request.kind === 'exact'
        ? request.version
        : await core.group(`Resolve ${settings.version}`, () =>
            resolveVersion(client, settings.catalogId, request)
          )
    report.version = version

    if (settings.operation === 'download') {
      const result = await core.group(`Download version ${version}`, () =>
        downloadPackage(
          {
            catalogId: settings.catalogId,
            version,
            destination: destinationFolder(settings.path),
            expectedSha256: settings.expectedSha256,
            extract: settings.extract,
            timeoutMs
          },
          client,
          settings.cache ? PackageCache.fromEnvironment() : undefined,
          scope
        )
      )
      report.download = result
      setDownloadOutputs(result)
      core.info(`Package ready: ${result.path}`)
    } else {
      const systems = settings.coordinationIds
      const results = await core.group(
        `Deploy version ${version} to ${systems.length} system(s)`,
        () => deployToSystems(client, settings.catalogId, version, systems, scope)
      )
      report.deployments = results
      setDeployOutputs(version, results)
      const failures = results
        .filter(r => r.error)
        .map(r => ({ coordinationId: r.coordinationId, error: r.error! }))
      if (failures.length === 1 && results.length === 1) throw failures[0].error
      if (failures.length) throw new DeployFailedError(failures, results.length)
      core.info(
        `The API accepted ${results.length} deployment(s). It reports no installation status for organization keys: ` +
          "follow them on each system's Deployments page in the dataminer.services Admin app."
      )
    }
  } finally {
    setRequestOutputs(budget)
  }
}

/** The folder for the download: `path` relative to the workspace, or absolute. */
function destinationFolder(input: string): string {
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd()
  return path.resolve(workspace, input)
}

/** The single place where a failure becomes the step's error, once. */
class FailureReport {
  private reported = false

  report(error: Error): void {
    if (this.reported) return
    this.reported = true
    const hint = error instanceof ActionError && error.hint ? `\n${error.hint}` : ''
    // Only in debug: reading the stack is what costs the time of mapping it to the source.
    if (core.isDebug() && error.stack) core.debug(redact(error.stack))
    core.setFailed(redact(`${error.message}${hint}`))
  }
}
