import * as core from '@actions/core'
import { redact } from '../core/secrets.js'
import type { StepReport } from './report.js'

function set(name: string, value: string): void {
  core.setOutput(name, redact(value))
}

/** The files in place at the end, a failed step included. */
export function setOutputs(report: StepReport): void {
  const results = report.results ?? []
  const files = results.map(result => ({
    product: result.placement.file.product,
    providerId: result.placement.file.providerId,
    dataType: result.placement.file.dataType,
    filename: result.placement.name,
    path: result.path,
    size: result.size,
    checksum: result.placement.file.checksum,
    algorithm: result.placement.file.digestAlgorithm,
    sha256: result.sha256,
    cacheHit: result.cacheHit
  }))
  set('files', JSON.stringify(files))
  set('count', String(files.length))
  set('path', report.destination ?? '')
  set('total-size', String(files.reduce((total, file) => total + file.size, 0)))
  set('cache-hits', String(files.filter(file => file.cacheHit).length))
}
