// `npm run bench`: measures the committed bundle (dist/index.js) against the Catalog emulator,
// section by section (bench/sections/), next to references measured in the same run, and writes
// the Markdown report to docs/benchmarks.md. Figures, not assertions: a run is checked only for
// doing what it should (the package's SHA-256 and so on). See bench/README.md.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BUNDLE, bundleExists, ROOT } from '../scripts/run-action.js'
import { minutes } from './lib/format.js'
import { describeMachine, loadAverage, machineTable, type Machine } from './lib/machine.js'
import { formatMarkdown, markdownTable } from './lib/markdown.js'
import { rssSources, Scratch } from './lib/processes.js'
import type { Section, SectionReport } from './lib/section.js'
import type { TargetRow } from './lib/targets.js'
import {
  parseOptions,
  SECTION_NAMES,
  UsageError,
  USAGE,
  type Options,
  type SectionName
} from './options.js'
import { manyEntriesSection } from './sections/many-entries.js'
import { memory } from './sections/memory.js'
import { rateLimit } from './sections/rate-limit.js'
import { regards } from './sections/regards.js'
import { startup } from './sections/startup.js'
import { throughput } from './sections/throughput.js'

const WHERE_THE_TIME_GOES = path.join(ROOT, 'bench', 'where-the-time-goes.md')

const SECTIONS: Record<SectionName, Section> = {
  throughput,
  memory,
  startup,
  'rate-limit': rateLimit,
  regards,
  'many-entries': manyEntriesSection
}

async function main(argv: string[]): Promise<number> {
  let options: Options | undefined
  try {
    options = parseOptions(argv)
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof TypeError)) throw error
    console.error(`${error.message}\n\n${USAGE}`)
    return 2
  }
  if (!options) {
    console.log(USAGE)
    return 0
  }
  if (!bundleExists()) {
    console.error(`${path.relative(ROOT, BUNDLE)} does not exist: run npm run bundle first.`)
    return 1
  }

  const machine = describeMachine()
  const started = performance.now()
  const root = mkdtempSync(path.join(os.tmpdir(), 'catalog-bench-'))
  const context = { options, scratch: new Scratch(root), log: (line: string) => console.log(line) }
  console.log(`Benchmarks of ${path.relative(ROOT, BUNDLE)}: ${options.sections.join(', ')}`)
  console.log(`Scratch files under ${root} (removed at the end)`)
  const reports: Array<[SectionName, SectionReport]> = []
  try {
    for (const name of options.sections) {
      const sectionStarted = performance.now()
      const report = await SECTIONS[name](context)
      console.log(`  (${name} took ${minutes(performance.now() - sectionStarted)})`)
      reports.push([name, report])
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return 1
  } finally {
    rmSync(root, { recursive: true, force: true })
  }

  const document = render(machine, options, argv, reports, performance.now() - started)
  console.log()
  console.log(document)
  if (options.out) {
    mkdirSync(path.dirname(options.out), { recursive: true })
    writeFileSync(options.out, await formatMarkdown(document, options.out))
    console.log(`Written to ${path.relative(process.cwd(), options.out)}.`)
  }
  return 0
}

function render(
  machine: Machine,
  options: Options,
  argv: string[],
  reports: Array<[SectionName, SectionReport]>,
  tookMs: number
): string {
  const command = ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' ')
  const lines = [
    '# Benchmarks',
    '',
    'Measured by `npm run bench` on the committed bundle (`dist/index.js`) run as a child ' +
      'process the way the runner runs it, against the Catalog emulator on 127.0.0.1, next to ' +
      'references measured in the same run. `bench/README.md` explains every figure. To measure ' +
      'again after a change: `npm run bundle && npm run bench` (it rewrites this file).',
    '',
    markdownTable({
      header: ['Measured on', ''],
      rows: [
        ...machineTable(machine),
        ['Command', `\`${command}\`, took ${minutes(tookMs)}`],
        [
          'Load average',
          `${loadAverage(machine.loadAverage)} at the start, ${loadAverage()} at the end ` +
            '(1, 5, 15 min; the machine may be shared)'
        ],
        ['Peak RSS from', peakRssSource()]
      ],
      align: ['left', 'left']
    })
  ]
  if (options.quick) lines.push('', '**A `--quick` smoke run: small sizes, one round.**')
  const targets = reports.flatMap(([, report]) => report.targets ?? [])
  if (targets.length > 0) lines.push('', '## Targets', '', targetsBody(targets, options))
  for (const [name, report] of reports) {
    // Numbered as in a complete run, whichever sections ran.
    lines.push('', `## ${SECTION_NAMES.indexOf(name) + 1}. ${report.title}`, '', report.body)
  }
  // The profiles behind the design, taken by hand (see the file): copied in as they are.
  lines.push('', readFileSync(WHERE_THE_TIME_GOES, 'utf8').trim())
  return lines.join('\n') + '\n'
}

function targetsBody(targets: TargetRow[], options: Options): string {
  const met = targets.filter(row => row.met).length
  return [
    `The goals of issue 21, from the sections below (${options.rounds === 1 ? 'one round' : `${options.rounds} rounds`}). ` +
      'A ratio is taken per round, between two commands of the same round, then the median of ' +
      'the rounds is the figure; the spread is the lowest and highest round. The machine is ' +
      'shared (see the load average above): a spread wider than a difference means noise. ' +
      `${met} of ${targets.length} met.`,
    '',
    markdownTable({
      header: ['Target', 'Goal', 'Measured (median)', 'Spread', 'Every round', 'Met'],
      rows: targets.map(row => [
        row.target,
        row.goal,
        row.figure,
        row.spread,
        row.rounds,
        row.met ? 'yes' : '**no**'
      ]),
      align: ['left', 'left', 'left', 'left', 'left', 'left']
    })
  ].join('\n')
}

function peakRssSource(): string {
  if (rssSources.size === 0) return '-'
  return [...rssSources]
    .map(source =>
      source === 'VmHWM'
        ? '`VmHWM` of /proc/self/status, read by the process at exit'
        : '`process.resourceUsage().maxRSS` (no /proc here: it may include the parent’s)'
    )
    .join('; ')
}

process.exitCode = await main(process.argv.slice(2))
