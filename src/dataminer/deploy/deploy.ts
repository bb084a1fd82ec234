import * as log from '../../core/step/log.js'
import type { CatalogClient } from '../catalog/client.js'
import type { CancelScope } from '../../core/step/cancel-scope.js'
import { ActionError, toError } from '../../core/step/errors.js'
import { DeployFailedError } from '../errors.js'

export interface SystemDeployment {
  coordinationId: string
  attempts: number
  /** Set when the API accepted the deployment. */
  deploymentId?: string
  error?: Error
}

/**
 * Deploys one version to each system in turn. Each system gets its own attempts and all share the
 * step's wait budget; a failed system does not stop the others.
 */
export async function deployToSystems(
  client: CatalogClient,
  catalogId: string,
  version: string,
  coordinationIds: string[],
  scope: CancelScope
): Promise<SystemDeployment[]> {
  const results: SystemDeployment[] = []
  for (const [index, coordinationId] of coordinationIds.entries()) {
    scope.throwIfCancelled()
    const position =
      coordinationIds.length > 1 ? ` (${index + 1} of ${coordinationIds.length})` : ''
    log.info(`Deploying version ${version} to system ${coordinationId}${position}...`)
    try {
      const answer = await client.deploy(catalogId, version, coordinationId)
      log.info(
        `Accepted by the API: deployment ${answer.deploymentId} for system ${coordinationId}.`
      )
      results.push({ coordinationId, attempts: answer.attempts, deploymentId: answer.deploymentId })
    } catch (thrown) {
      scope.throwIfCancelled()
      const error = toError(thrown)
      log.info(`System ${coordinationId} failed: ${error.message}`)
      results.push({ coordinationId, attempts: attemptsOf(error), error })
    }
  }
  return results
}

function attemptsOf(error: Error): number {
  return error instanceof ActionError && error.attempts !== undefined ? error.attempts : 1
}

/**
 * The deploy's outcome: nothing when the API accepted every system; else the one system's own
 * error, or a DeployFailedError naming each system that failed.
 */
export function assertAllAccepted(results: SystemDeployment[]): void {
  const failures = results
    .filter(r => r.error)
    .map(r => ({ coordinationId: r.coordinationId, error: r.error! }))
  if (failures.length === 1 && results.length === 1) throw failures[0].error
  if (failures.length) throw new DeployFailedError(failures, results.length)
  log.info(
    `The API accepted ${results.length} deployment(s). It reports no installation status for organization keys: ` +
      "follow them on each system's Deployments page in the dataminer.services Admin app."
  )
}
