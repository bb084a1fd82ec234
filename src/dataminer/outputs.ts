import * as core from '@actions/core'
import type { SystemDeployment } from './deploy/deploy.js'
import type { DownloadResult } from './download/download.js'
import type { RequestLog } from '../core/http/request-log.js'
import { redact } from '../core/secrets.js'

function set(name: string, value: string): void {
  core.setOutput(name, redact(value))
}

export function setDownloadOutputs(result: DownloadResult): void {
  set('version', result.version)
  set('path', result.path)
  set('filename', result.fileName)
  set('size', String(result.size))
  set('sha256', result.sha256)
  set('package-type', result.packageType)
  set('cache-hit', String(result.cacheHit))
  if (result.extractedPath) set('extracted-path', result.extractedPath)
}

export function setDeployOutputs(version: string, results: SystemDeployment[]): void {
  const accepted = results.filter(r => r.deploymentId)
  set('version', version)
  set('deployment-id', accepted[0]?.deploymentId ?? '')
  set(
    'deployments',
    JSON.stringify(
      accepted.map(r => ({ coordinationId: r.coordinationId, deploymentId: r.deploymentId }))
    )
  )
}

export function setRequestOutputs(requests: RequestLog): void {
  set('attempts', String(requests.requests))
  set('waited-seconds', String(Math.round(requests.totalWaitedMs / 1000)))
}
