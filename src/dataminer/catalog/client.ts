import * as log from '../../core/step/log.js'
import type { IncomingMessage } from 'node:http'
import { CatalogError } from '../errors.js'
import { HttpStatusError } from '../../core/http/errors.js'
import { readText } from '../../core/http/body.js'
import { snippet } from '../../core/http/describe-body.js'
import type { ApiResponse, Requester } from '../../core/http/request.js'
import { redact } from '../../core/secrets.js'
import { explainFailure, type CatalogOperation } from './hints.js'
import { deployUrl, downloadUrl, versionsUrl } from './routes.js'
import { parseVersionList } from './versions-answer.js'

export interface DeployAnswer {
  deploymentId: string
  attempts: number
}

/** The Key Catalog API as the action uses it: three calls, each mapped to errors people can act on. */
export class CatalogClient {
  constructor(
    private readonly requester: Requester,
    private readonly baseUrl: URL,
    private readonly timeoutMs: number
  ) {}

  async listVersions(catalogId: string): Promise<ApiResponse<string[]>> {
    const operation: CatalogOperation = { kind: 'versions', catalogId }
    return this.run(operation, () =>
      this.requester.send({
        label: 'versions',
        method: 'GET',
        url: versionsUrl(this.baseUrl, catalogId),
        headers: { Accept: 'application/json' },
        changesState: false,
        read: async response =>
          parseVersionList(await readText(response, this.timeoutMs, 4 * 1024 * 1024))
      })
    )
  }

  /** Downloads a version; `read` consumes the body (and is called again for each new attempt). */
  async download<T>(
    catalogId: string,
    version: string,
    read: (response: IncomingMessage) => Promise<T>
  ): Promise<ApiResponse<T>> {
    const operation: CatalogOperation = { kind: 'download', catalogId, version }
    return this.run(operation, () =>
      this.requester.send({
        label: 'download',
        method: 'GET',
        url: downloadUrl(this.baseUrl, catalogId, version),
        changesState: false,
        read
      })
    )
  }

  /**
   * Asks the API to deploy a version to one system. The official tool sends POST while the
   * documentation says GET, so a 405 to the POST is repeated once as GET.
   */
  async deploy(catalogId: string, version: string, coordinationId: string): Promise<DeployAnswer> {
    const operation: CatalogOperation = { kind: 'deploy', catalogId, version, coordinationId }
    const send = (method: 'POST' | 'GET') =>
      this.requester.send({
        label: `deploy to ${coordinationId}`,
        method,
        url: deployUrl(this.baseUrl, catalogId, version, coordinationId),
        headers: { Accept: 'application/json' },
        changesState: true,
        read: response => this.readDeploymentId(response, operation)
      })
    return this.run(operation, async () => {
      try {
        const answer = await send('POST')
        return { deploymentId: answer.value, attempts: answer.attempts }
      } catch (error) {
        if (!(error instanceof HttpStatusError) || error.status !== 405) throw error
        log.info(
          `The API answered the deploy POST with 405 Method Not Allowed; repeating it once as GET.`
        )
        const answer = await send('GET')
        return {
          deploymentId: answer.value,
          attempts: (error.attempts ?? 1) + answer.attempts
        }
      }
    })
  }

  private async readDeploymentId(
    response: IncomingMessage,
    operation: CatalogOperation
  ): Promise<string> {
    const body = await readText(response, this.timeoutMs)
    let id: unknown
    try {
      id = (JSON.parse(body) as { deploymentId?: unknown } | null)?.deploymentId
    } catch {
      id = undefined
    }
    if (typeof id === 'string' && id.trim()) return id.trim()
    const system = operation.kind === 'deploy' ? operation.coordinationId : ''
    throw new CatalogError(
      `The API accepted the deploy request to system ${system} (HTTP ${response.statusCode}) but its answer has no deploymentId: ` +
        `"${snippet(redact(body), 200)}".`,
      `The deployment may or may not have started: check the Deployments page of system ${system} in the dataminer.services Admin app.`
    )
  }

  private async run<T>(operation: CatalogOperation, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      throw explainFailure(operation, error)
    }
  }
}
