// The REGARDS action's step: mask the secrets, read and check the inputs, then load and do the
// work (./perform.ts, on demand: a step that only rejects an input loads no @actions/core and no
// HTTP).
import { addSecret } from '../core/secrets.js'
import { runStep, type RunOutcome } from '../core/step/run-step.js'
import * as runner from '../core/step/workflow-commands.js'
import { DEFAULT_CLIENT } from './inputs/schema.js'
import { readInputs } from './inputs/read-inputs.js'
import type { RunDependencies } from './perform.js'
import type { StepReport } from './report.js'
import { renderSummary } from './summary.js'

export function run(dependencies: RunDependencies = {}): Promise<RunOutcome> {
  const report: StepReport = {}
  return runStep({
    name: 'regards',
    secretInputs: ['password', 'token'],
    work: async scope => {
      // A client other than REGARDS's default is a deployment's own secret.
      const client = runner.getInput('client')
      if (client && client !== DEFAULT_CLIENT) {
        addSecret(client)
        addSecret(Buffer.from(client).toString('base64'))
        const secret = client.slice(client.indexOf(':') + 1)
        if (secret.length >= 4) addSecret(secret)
      }
      const settings = readInputs()
      report.url = settings.url
      report.tenant = settings.tenant
      report.access =
        settings.credentials.kind === 'password'
          ? `signed in as ${settings.credentials.username}`
          : settings.credentials.kind === 'token'
            ? 'the token given'
            : 'public access'
      const { perform } = await import('./perform.js')
      await perform(settings, report, scope, dependencies)
    },
    summary: error => renderSummary({ ...report, error })
  })
}
