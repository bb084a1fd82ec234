import { EOL } from 'node:os'
import type { SystemDeployment } from './deploy/deploy.js'
import type { DownloadResult } from './download/download.js'
import { ActionError, InputError } from '../core/step/errors.js'
import { DeployFailedError } from './errors.js'
import { formatBytes, formatDuration } from '../core/format.js'
import type { RequestLog } from '../core/http/request-log.js'
import { code, lines, list, table, text } from '../core/summary/html.js'

/** What the step did, gathered as it goes, so the summary can be written whatever happens. */
export interface StepReport {
  /** Unknown when the inputs could not be read. */
  operation?: 'download' | 'deploy'
  catalogId?: string
  requestedVersion?: string
  version?: string
  download?: DownloadResult
  deployments?: SystemDeployment[]
  requests?: RequestLog
  error?: Error
}

export const ADMIN_APP_URL = 'https://admin.dataminer.services'

/** The summary as HTML: what failed and what to do first, then what was done. */
export function renderSummary(report: StepReport): string {
  const parts = [`<h2>${heading(report)}</h2>`]
  if (report.error) parts.push(failure(report.error, report.deployments))
  const rows = [
    ...itemRows(report),
    ...downloadRows(report.download),
    ...requestRows(report.requests)
  ]
  if (rows.length) parts.push(table(['Item', 'Value'], rows))
  if (report.deployments?.length) parts.push(...deployments(report.deployments))
  if (report.requests?.waits.length) parts.push(waits(report.requests))
  return parts.join(EOL)
}

function heading(report: StepReport): string {
  if (report.error instanceof InputError) return 'DataMiner Catalog: the inputs are not valid'
  const operation = report.operation ?? 'step'
  if (!report.error) return `DataMiner Catalog ${operation}`
  const failed = report.deployments?.filter(d => d.error).length ?? 0
  const total = report.deployments?.length ?? 0
  return total > 1 && failed > 0
    ? `DataMiner Catalog deploy failed for ${failed} of ${total} systems`
    : `DataMiner Catalog ${operation} failed`
}

/** The error and what to do about it. For a partial deploy, per-system reasons are listed below. */
function failure(error: Error, deployed: SystemDeployment[] | undefined): string {
  const hint = error instanceof ActionError ? error.hint : undefined
  const what =
    error instanceof DeployFailedError && deployed?.length
      ? 'Deploying failed for the systems marked Failed below; their reasons are listed under the table.'
      : error.message
  return (
    `<p><strong>What failed:</strong><br>${lines(what)}</p>` +
    (hint ? `<p><strong>What to do:</strong><br>${lines(hint)}</p>` : '')
  )
}

function itemRows(report: StepReport): string[][] {
  const rows: string[][] = []
  if (report.catalogId) rows.push(['Catalog item', code(report.catalogId)])
  if (report.version || report.requestedVersion) rows.push(['Version', versionCell(report)])
  return rows
}

function versionCell(report: StepReport): string {
  const requested = report.requestedVersion ?? ''
  if (!report.version) return text(requested)
  if (report.version === requested) return code(report.version)
  return `${code(report.version)} (resolved from ${text(requested)})`
}

function downloadRows(result: DownloadResult | undefined): string[][] {
  if (!result) return []
  const rows = [
    ['File', code(result.fileName)],
    ['Path', code(result.path)],
    ['Size', `${formatBytes(result.size)} (${result.size} bytes)`],
    ['SHA-256', code(result.sha256)],
    ['Package type', text(result.packageType)],
    ['Source', result.cacheHit ? 'tool cache (no download request)' : 'Catalog API']
  ]
  if (result.extractedPath) rows.push(['Unpacked into', code(result.extractedPath)])
  return rows
}

// Labelled with the outputs they equal, so the two never seem to disagree.
function requestRows(requests: RequestLog | undefined): string[][] {
  if (!requests) return []
  return [
    ['HTTP requests sent, retries included (<code>attempts</code>)', String(requests.requests)],
    [
      'Waited between attempts (<code>waited-seconds</code>)',
      formatDuration(requests.totalWaitedMs)
    ]
  ]
}

function deployments(results: SystemDeployment[]): string[] {
  const rows = results.map(d => [
    code(d.coordinationId),
    d.deploymentId ? 'Accepted' : '<strong>Failed</strong>',
    d.deploymentId ? code(d.deploymentId) : '—',
    String(d.attempts)
  ])
  const parts = [
    '<h3>Deployments</h3>',
    table(['System (coordination ID)', 'Result', 'Deployment ID', 'Requests'], rows)
  ]
  const failed = results.filter(d => d.error)
  // One system: the failure above is its reason already.
  if (failed.length && results.length > 1) {
    parts.push(
      '<p><strong>Why each failed system failed:</strong></p>',
      list(failed.map(d => `${code(d.coordinationId)}: ${text(d.error?.message ?? '')}`))
    )
  }
  if (results.some(d => d.deploymentId)) {
    parts.push(
      '<p>"Accepted" means the API took the deployment request; the system installs the package afterwards. ' +
        'The API offers no status for deployments made with an organization key: follow each one on the ' +
        `system's Deployments page in the <a href="${ADMIN_APP_URL}">dataminer.services Admin app</a>.</p>`
    )
  }
  return parts
}

function waits(requests: RequestLog): string {
  const items = requests.waits.map(
    w => `${text(w.label)}, attempt ${w.attempt}: ${text(w.reason)}; waited ${formatDuration(w.ms)}`
  )
  return `<details><summary>Waits (${requests.waits.length})</summary>${list(items)}</details>`
}
