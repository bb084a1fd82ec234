import { EOL } from 'node:os'
import { formatBytes, formatDuration } from '../core/format.js'
import { ActionError, InputError } from '../core/step/errors.js'
import { code, lines, list, table, text } from '../core/summary/html.js'
import type { StepReport } from './report.js'

/** The step summary as HTML: what failed and what to do, the products, each file, the waits. */
export function renderSummary(report: StepReport & { error?: Error }): string {
  const { error } = report
  const parts = [
    `<h2>${error instanceof InputError ? 'REGARDS: the inputs are not valid' : error ? 'REGARDS download failed' : 'REGARDS download'}</h2>`
  ]
  if (error) {
    const hint = error instanceof ActionError ? error.hint : undefined
    parts.push(
      `<p><strong>What failed:</strong><br>${lines(error.message)}</p>` +
        (hint ? `<p><strong>What to do:</strong><br>${lines(hint)}</p>` : '')
    )
  }
  const rows: string[][] = []
  if (report.url) rows.push(['Gateway', code(report.url)], ['Project', code(report.tenant ?? '')])
  if (report.access) rows.push(['Access', text(report.access)])
  if (report.destination) rows.push(['Folder', code(report.destination)])
  if (report.products) rows.push(['Products found', text(report.products.length)])
  if (report.selected !== undefined) rows.push(['Files selected', text(report.selected)])
  if (report.restorer) {
    rows.push([
      'Restore waits',
      text(
        report.restorer.forbidden
          ? 'not allowed for this account (403): downloads tried directly'
          : `${report.restorer.polls} poll(s), ${formatDuration(report.restorer.waitedMs)}`
      )
    ])
  }
  if (report.requests) {
    rows.push(
      ['Requests', text(report.requests.requests)],
      ['Time waiting between attempts', text(formatDuration(report.requests.totalWaitedMs))]
    )
  }
  if (rows.length) parts.push(table(['Item', 'Value'], rows))
  if (report.products?.length) {
    parts.push(
      '<h3>Products</h3>',
      list(
        report.products.map(
          product =>
            `${code(product.providerId ?? product.id)}${product.label ? ` ${text(product.label)}` : ''}: ${text(product.files.length)} file(s)`
        )
      )
    )
  }
  const results = report.results ?? []
  const problems = report.problems ?? []
  if (results.length || problems.length) {
    parts.push(
      '<h3>Files</h3>',
      table(
        ['File', 'Size', 'Checksum verified', 'Cache hit', 'Attempts', 'Outcome'],
        [
          ...results.map(result => [
            code(`${result.placement.folder}/${result.placement.name}`),
            text(formatBytes(result.size)),
            text(
              result.verification === 'digest'
                ? `yes (${result.placement.file.digestAlgorithm})`
                : `size only (${result.placement.file.digestAlgorithm ?? 'no algorithm'} unknown)`
            ),
            text(result.cacheHit ? `yes (${result.source})` : 'no'),
            text(result.attempts),
            text('in place')
          ]),
          ...problems.map(problem => [
            code(`${problem.placement.folder}/${problem.placement.name}`),
            text(
              problem.placement.file.size === null ? '?' : formatBytes(problem.placement.file.size)
            ),
            text('no'),
            text('no'),
            text('-'),
            text(`failed: ${problem.error.message}`)
          ])
        ]
      )
    )
  }
  if (report.requests?.waits.length) {
    parts.push(
      '<h3>Waits</h3>',
      list(
        report.requests.waits.map(wait =>
          text(
            `${wait.label}, attempt ${wait.attempt}: ${wait.reason}; waited ${formatDuration(wait.ms)}`
          )
        )
      )
    )
  }
  return parts.join(EOL)
}
