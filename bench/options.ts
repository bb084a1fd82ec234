// The command line of `npm run bench`.
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT } from '../scripts/run-action.js'

export const SECTION_NAMES = [
  'throughput',
  'memory',
  'startup',
  'rate-limit',
  'regards',
  'many-entries'
] as const
export type SectionName = (typeof SECTION_NAMES)[number]

export interface Options {
  quick: boolean
  sections: SectionName[]
  /** Throughput: MiB of data in the package. */
  mb: number
  /** Throughput and memory: rounds of every command. */
  rounds: number
  /** Memory: the package sizes, MiB. */
  memoryMb: number[]
  /** Start-up: runs of each command. */
  startupRuns: number
  /** Rate limit: rounds of every case. */
  rateRounds: number
  /** Rate limit: also the case that waits the real 36 s refill (about 75 s). */
  realRefill: boolean
  /** Where the Markdown report goes; undefined: printed only. */
  out: string | undefined
}

export const DEFAULT_REPORT = path.join(ROOT, 'docs', 'benchmarks.md')

export const USAGE = `Usage: npm run bench -- [options]

Measures the committed bundle (dist/index.js) against the Catalog emulator, prints a Markdown
report and, for a complete run, writes it to docs/benchmarks.md. See bench/README.md.

  --quick               a smoke run: small packages, 1 round, 3 start-up runs, short rate-limit
                        cases, no 36 s case; prints only (unless --out)
  --only LIST           only these sections, comma-separated: ${SECTION_NAMES.join(', ')};
                        prints only (unless --out)
  --mb N                throughput: MiB of data in the package (default 512; quick 32)
  --rounds N            throughput and memory: rounds of every command (default 5; quick 1)
  --memory-mb LIST      memory: package sizes in MiB (default 10,250,1024; quick 10,50)
  --startup-runs N      start-up: runs of each command (default 10; quick 3)
  --rate-rounds N       rate limit: rounds of every case (default 1)
  --real-refill         rate limit: also the case that waits the real 36 s refill (about 75 s)
  --no-real-refill      rate limit: skip that case (the default)
  --out FILE            write the report there ('-' for nowhere; default docs/benchmarks.md
                        for a complete run)
  -h, --help            show this help`

export class UsageError extends Error {}

export function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      mb: { type: 'string' },
      rounds: { type: 'string' },
      'memory-mb': { type: 'string' },
      'startup-runs': { type: 'string' },
      'rate-rounds': { type: 'string' },
      'real-refill': { type: 'boolean', default: false },
      'no-real-refill': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) return undefined
  const quick = values.quick
  const sections = values.only === undefined ? [...SECTION_NAMES] : parseSections(values.only)
  const complete = !quick && values.only === undefined
  const out = values.out ?? (complete ? DEFAULT_REPORT : '-')
  return {
    quick,
    sections,
    mb: whole('--mb', values.mb ?? (quick ? '32' : '512'), 1, 4096),
    rounds: whole('--rounds', values.rounds ?? (quick ? '1' : '5'), 1, 50),
    memoryMb: (values['memory-mb'] ?? (quick ? '10,50' : '10,250,1024'))
      .split(',')
      .map(text => whole('--memory-mb', text.trim(), 1, 4096)),
    startupRuns: whole('--startup-runs', values['startup-runs'] ?? (quick ? '3' : '10'), 1, 200),
    rateRounds: whole('--rate-rounds', values['rate-rounds'] ?? '1', 1, 20),
    realRefill: !quick && values['real-refill'] && !values['no-real-refill'],
    out: out === '-' ? undefined : path.resolve(out)
  }
}

function parseSections(text: string): SectionName[] {
  const names = text.split(',').map(name => name.trim())
  for (const name of names) {
    if (!(SECTION_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--only: unknown section '${name}' (${SECTION_NAMES.join(', ')})`)
    }
  }
  return SECTION_NAMES.filter(name => names.includes(name))
}

function whole(flag: string, text: string, min: number, max: number): number {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${text}'`)
  }
  return value
}
