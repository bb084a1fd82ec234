import * as log from '../core/step/log.js'
import path from 'node:path'
import type { CancelScope } from '../core/step/cancel-scope.js'
import { CatalogClient } from './catalog/client.js'
import { resolveVersion } from './catalog/resolve-version.js'
import { describeVersionRequest } from './catalog/version-request.js'
import { assertAllAccepted, deployToSystems } from './deploy/deploy.js'
import { PackageCache } from './download/package-cache.js'
import { downloadPackage } from './download/download.js'
import { ApiRequester } from './catalog/requester.js'
import { stepRequesterOptions } from '../core/http/step-requests.js'
import type { Settings } from './inputs/schema.js'
import type { RunDependencies } from './run.js'
import { setDeployOutputs, setDownloadOutputs, setRequestOutputs } from './outputs.js'
import type { StepReport } from './summary.js'

/** The step's work, once the inputs are valid: resolve the version, then download or deploy. */
export async function perform(
  settings: Settings,
  report: StepReport,
  scope: CancelScope,
  dependencies: RunDependencies
): Promise<void> {
  const shared = stepRequesterOptions(settings, scope, dependencies)
  const { timeoutMs, log: requests } = shared
  report.requests = requests
  const requester = new ApiRequester({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    ...shared
  })
  const client = new CatalogClient(requester, settings.baseUrl, timeoutMs)
  const asked = describeVersionRequest(settings.versionRequest)
  log.info(
    `Catalog item ${settings.catalogId}, version ${asked}: ${settings.operation} through ${settings.baseUrl.origin}`
  )

  try {
    const request = settings.versionRequest
    const version =
      request.kind === 'exact'
        ? request.version
        : await log.group(`Resolve ${asked}`, () =>
            resolveVersion(client, settings.catalogId, request)
          )
    report.version = version

    if (settings.operation === 'download') {
      const result = await log.group(`Download version ${version}`, () =>
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
      log.info(`Package ready: ${result.path}`)
    } else {
      const systems = settings.coordinationIds
      const results = await log.group(
        `Deploy version ${version} to ${systems.length} system(s)`,
        () => deployToSystems(client, settings.catalogId, version, systems, scope)
      )
      report.deployments = results
      setDeployOutputs(version, results)
      assertAllAccepted(results)
    }
  } finally {
    setRequestOutputs(requests)
  }
}

/** The folder for the download: `path` relative to the workspace, or absolute. */
function destinationFolder(input: string): string {
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd()
  return path.resolve(workspace, input)
}
