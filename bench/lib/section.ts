// What every section of the bench gets, and what it gives back for the report.
import type { Options } from '../options.js'
import type { Scratch } from './processes.js'

export interface BenchContext {
  options: Options
  scratch: Scratch
  /** A progress line on the terminal (not in the report). */
  log(line: string): void
}

import type { TargetRow } from './targets.js'

export interface SectionReport {
  /** The section's heading in the report. */
  title: string
  /** Markdown: what was run, the table(s), and notes. */
  body: string
  /** Rows of the report's Targets table (issue 21), if the section measures any. */
  targets?: TargetRow[]
}

export type Section = (context: BenchContext) => Promise<SectionReport>
