import { appendFile } from 'node:fs/promises'
import { EOL } from 'node:os'

/** Appends the step summary to GITHUB_STEP_SUMMARY, when the runner gives one; rendered only then. */
export async function appendStepSummary(render: () => string): Promise<void> {
  const file = process.env['GITHUB_STEP_SUMMARY']
  if (!file) return
  await appendFile(file, render() + EOL)
}
