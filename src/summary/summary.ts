import * as core from '@actions/core'
import type { SystemDeployment } from '../deploy/deploy.js'
import type { DownloadResult } from '../download/download.js'
import { formatBytes, formatDuration } from '../format.js'
import type { StepBudget } from '../http/step-budget.js'
import { code, text } from './html.js'

/** What the step did, gathered as it goes, so the summary can be written whatever happens. */
export interface StepReport {
  operation: 'download' | 'deploy'
  catalogId: string
  requestedVersion: string
  version?: string
  download?: DownloadResult
  deployments?: SystemDeployment[]
  budget?: StepBudget
  error?: Error
}

export const ADMIN_APP_URL = 'https://admin.dataminer.services'

type Row = [string, string]

export async function writeSummary(report: StepReport): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return
  const summary = core.summary.emptyBuffer()
  const failed = report.error ? ' failed' : ''
  summary.addHeading(`DataMiner Catalog ${report.operation}${failed}`, 2)

  const rows: Row[] = [
    ['Catalog item', code(report.catalogId)],
    ['Version', versionCell(report)]
  ]
  if (report.download) rows.push(...downloadRows(report.download))
  if (report.budget) rows.push(...requestRows(report.budget))
  summary.addTable([
    [
      { data: 'Item', header: true },
      { data: 'Value', header: true }
    ],
    ...rows
  ])

  if (report.deployments?.length) {
    summary.addHeading('Deployments', 3)
    summary.addTable([
      ['System', 'Deployment ID', 'Attempts', 'Result'].map(data => ({ data, header: true })),
      ...report.deployments.map(d => [
        code(d.coordinationId),
        d.deploymentId ? code(d.deploymentId) : '—',
        String(d.attempts),
        d.deploymentId ? 'Accepted' : `Failed: ${text(d.error?.message ?? 'unknown error')}`
      ])
    ])
    summary.addRaw(
      '<p>"Accepted" means the API took the deployment request; the system installs the package afterwards. ' +
        'The API offers no status for deployments made with an organization key: follow each one on the ' +
        `system's Deployments page in the <a href="${ADMIN_APP_URL}">dataminer.services Admin app</a>.</p>`,
      true
    )
  }

  if (report.budget?.waits.length) {
    summary.addDetails(
      `Waits (${report.budget.waits.length})`,
      '<ul>' +
        report.budget.waits
          .map(
            w =>
              `<li>${text(w.label)}, attempt ${w.attempt}: ${text(w.reason)}; waited ${formatDuration(w.ms)}</li>`
          )
          .join('') +
        '</ul>'
    )
  }
  if (report.error)
    summary.addRaw(`<p><strong>Error:</strong> ${text(report.error.message)}</p>`, true)
  await summary.write()
}

function versionCell(report: StepReport): string {
  if (!report.version) return text(report.requestedVersion)
  if (report.version === report.requestedVersion) return code(report.version)
  return `${code(report.version)} (resolved from ${text(report.requestedVersion)})`
}

function downloadRows(result: DownloadResult): Row[] {
  const rows: Row[] = [
    ['File', code(result.fileName)],
    ['Path', code(result.path)],
    ['Size', `${formatBytes(result.size)} (${result.size} bytes)`],
    ['SHA-256', code(result.sha256)],
    ['Package type', text(result.packageType)],
    ['Source', result.cacheHit ? 'tool cache (no download request)' : 'Catalog API'],
    ['Download attempts', String(result.attempts)]
  ]
  if (result.extractedPath) rows.push(['Unpacked into', code(result.extractedPath)])
  return rows
}

function requestRows(budget: StepBudget): Row[] {
  return [
    ['Requests sent', String(budget.requests)],
    ['Waited between attempts', formatDuration(budget.totalWaitedMs)]
  ]
}
