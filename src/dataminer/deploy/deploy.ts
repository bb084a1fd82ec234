import * as log from '../../core/step/log.js'
import type { CatalogClient } from '../catalog/client.js'
import type { CancelScope } from '../../core/step/cancel-scope.js'
import { ActionError, toError } from '../../core/step/errors.js'

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
