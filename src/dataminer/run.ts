// The DataMiner Catalog action's step: read and check the inputs, then load and do the work
// (./perform.ts, on demand: a step that only rejects an input loads no @actions/core and no HTTP).
import type { Clock } from '../core/http/clock.js'
import type { Transport } from '../core/http/transport.js'
import { redact } from '../core/secrets.js'
import { runStep, type RunOutcome } from '../core/step/run-step.js'
import * as runner from '../core/step/workflow-commands.js'
import { describeVersionRequest } from './catalog/version-request.js'
import { readInputs } from './inputs/read-inputs.js'
import { renderSummary, type StepReport } from './summary.js'

/** Seams for tests; the action itself runs with the defaults. */
export interface RunDependencies {
  clock?: Clock
  transport?: Transport
}

export function run(dependencies: RunDependencies = {}): Promise<RunOutcome> {
  const report: StepReport = {}
  return runStep({
    name: 'dataminer-catalog',
    secretInputs: ['api-key'],
    work: async scope => {
      const settings = readInputs()
      for (const warning of settings.warnings) runner.warning(redact(warning))
      report.operation = settings.operation
      report.catalogId = settings.catalogId
      report.requestedVersion = describeVersionRequest(settings.versionRequest)
      const { perform } = await import('./perform.js')
      await perform(settings, report, scope, dependencies)
    },
    summary: error => renderSummary({ ...report, error })
  })
}
