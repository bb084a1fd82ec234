import { setOutputs } from './outputs.js'
import type { StepReport } from './report.js'

/** Runs the work, then writes the outputs whether it succeeded or failed. */
export async function outputsOnExit(report: StepReport, work: () => Promise<void>): Promise<void> {
  try {
    await work()
  } finally {
    setOutputs(report)
  }
}
