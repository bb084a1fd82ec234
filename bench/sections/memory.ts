// 2. Memory: the action's peak RSS for packages of growing size, which stays flat when the
// package is streamed, next to a bare Node streaming download and the action's own start-up.
import path from 'node:path'
import type { CatalogEmulator } from '../../emulator/index.js'
import { median, MIB, mib, mibPerSecond, seconds } from '../lib/format.js'
import { markdownTable } from '../lib/markdown.js'
import {
  actionInputs,
  buildPackage,
  checkActionRun,
  checkFile,
  downloadUrl,
  runFailure,
  servePackage,
  type BenchPackage
} from '../lib/package.js'
import { runBundle, runNodeClient, settle, type Measured, type Scratch } from '../lib/processes.js'
import type { BenchContext, SectionReport } from '../lib/section.js'
import { highestTarget, ratioTarget } from '../lib/targets.js'

interface Command {
  label: string
  /** Moves the package: its wall time has a throughput. */
  transfers: boolean
  run(pkg: BenchPackage, emulator: CatalogEmulator, dir: string): Promise<Measured>
}

const COMMANDS: Command[] = [
  {
    label: 'Node: `pipeline` + SHA-256 → file (reference)',
    transfers: true,
    async run(pkg, emulator, dir) {
      const file = path.join(dir, 'package.dmapp')
      const run = await runNodeClient('pipeline-sha256', downloadUrl(emulator), file, dir)
      if (run.sha256 !== pkg.sha256) throw new Error(`Node reference: SHA-256 ${run.sha256}`)
      await checkFile(file, pkg, 'Node reference')
      return run
    }
  },
  {
    label: 'action, fails on a bad input (start-up, reference)',
    transfers: false,
    async run(_pkg, emulator, dir) {
      const run = await runBundle({ ...actionInputs(emulator), 'catalog-id': 'not-a-guid' }, dir)
      if (run.run.code !== 1) throw runFailure('The bad-input run did not fail', run.run)
      return run
    }
  },
  {
    label: 'action, `cache: false`',
    transfers: true,
    async run(pkg, emulator, dir) {
      const run = await runBundle({ ...actionInputs(emulator), cache: 'false' }, dir)
      await checkActionRun(run.run, pkg, 'cache: false', { cacheHit: false, extract: false })
      return run
    }
  },
  {
    label: 'action, `cache: true` + `extract: true` (empty tool cache)',
    transfers: true,
    async run(pkg, emulator, dir) {
      const run = await runBundle({ ...actionInputs(emulator), extract: 'true' }, dir)
      await checkActionRun(run.run, pkg, 'cache + extract', { cacheHit: false, extract: true })
      return run
    }
  }
]

interface SizeResult {
  bytes: number
  samples: Map<Command, Measured[]>
}

export async function memory({ options, scratch, log }: BenchContext): Promise<SectionReport> {
  const results: SizeResult[] = []
  for (const sizeMib of options.memoryMb) {
    log(`Memory: building a ${sizeMib} MiB package`)
    results.push(await measureSize(buildPackage(sizeMib), options.rounds, scratch, log))
  }
  return report(results, options.rounds)
}

async function measureSize(
  pkg: BenchPackage,
  rounds: number,
  scratch: Scratch,
  log: (line: string) => void
): Promise<SizeResult> {
  const emulator = await servePackage(pkg)
  const samples = new Map<Command, Measured[]>(COMMANDS.map(command => [command, []]))
  try {
    for (let round = 0; round < rounds; round++) {
      const order = COMMANDS.map((_, i) => COMMANDS[(i + round) % COMMANDS.length])
      for (const command of order) {
        const dir = scratch.folder('memory')
        try {
          settle()
          const measured = await command.run(pkg, emulator, dir)
          samples.get(command)?.push(measured)
          log(
            `  ${mib(pkg.zip.length)}, round ${round + 1}/${rounds}  ` +
              `${command.label.replace(/`/g, '').padEnd(58)} ${mib(measured.peakRssKiB * 1024)}`
          )
        } finally {
          scratch.remove(dir)
        }
      }
    }
  } finally {
    await emulator.close()
  }
  return { bytes: pkg.zip.length, samples }
}

function report(results: SizeResult[], rounds: number): SectionReport {
  const rss = (result: SizeResult, command: Command): number =>
    median((result.samples.get(command) ?? []).map(s => s.peakRssKiB)) * 1024
  const wall = (result: SizeResult, command: Command): number =>
    median((result.samples.get(command) ?? []).map(s => s.wallMs))
  const [nodeReference, , ...actions] = COMMANDS
  const sizes = results.map(result => mib(result.bytes))
  const rssRows = [
    ...COMMANDS.map(command => [command.label, ...results.map(r => mib(rss(r, command)))]),
    ...actions.map(command => [
      `${command.label} − Node reference`,
      ...results.map(r => mib(rss(r, command) - rss(r, nodeReference)))
    ])
  ]
  const timeRows = COMMANDS.filter(command => command.transfers).map(command => [
    command.label,
    ...results.map(r => `${seconds(wall(r, command))} (${mibPerSecond(r.bytes, wall(r, command))})`)
  ])
  const body = [
    `Peak RSS of each process (median of ${rounds === 1 ? '1 run' : `${rounds} runs`}; the ` +
      'commands alternate within each round) for packages of each size. A process that streams ' +
      'the package stays flat as it grows; one that holds it would grow by the package size.',
    '',
    markdownTable({ header: ['Peak RSS', ...sizes], rows: rssRows }),
    '',
    'Wall time and throughput of the same runs (medians):',
    '',
    markdownTable({ header: ['Wall time', ...sizes], rows: timeRows }),
    '',
    '- The bad-input run: what the action needs to start and report an error, before it moves ' +
      'any data (see Start-up).',
    '- Peak RSS is `VmHWM` from `/proc/self/status`, which each Node process writes at exit ' +
      'from a module preloaded with `--import` (`bench/clients/peak-rss.mjs`; why not ' +
      '`maxRSS`: see `bench/README.md`). The emulator serves the package from a buffer in the ' +
      "bench's own process: that memory is not in these figures."
  ]
  return { title: 'Memory', body: body.join('\n'), targets: targets(results) }
}

/** Straight-line cost: time per MiB at the largest size vs the one below it, per round. */
function targets(results: SizeResult[]) {
  const both = COMMANDS[COMMANDS.length - 1]
  const [larger, smaller] = [...results].sort((a, b) => b.bytes - a.bytes)
  const perMib = (result: SizeResult) =>
    (result.samples.get(both) ?? []).map(s => s.wallMs / (result.bytes / MIB))
  const rows = []
  if (larger && smaller) {
    rows.push(
      ratioTarget(
        `\`cache: true\` + \`extract: true\`, time per MiB at ${mib(larger.bytes, 0)} vs at ${mib(smaller.bytes, 0)}`,
        perMib(larger),
        perMib(smaller),
        1.1
      )
    )
  }
  rows.push(
    highestTarget(
      `peak RSS, the action's rows here (${results.map(r => mib(r.bytes, 0)).join(', ')})`,
      results.flatMap(result =>
        COMMANDS.filter(c => c.transfers && c.label.startsWith('action')).map(c => ({
          label: `${c.label.replace(/`/g, '').replace(/^action, /, '')} at ${mib(result.bytes, 0)}`,
          samples: (result.samples.get(c) ?? []).map(s => s.peakRssKiB * 1024)
        }))
      ),
      80 * MIB,
      bytes => mib(bytes)
    )
  )
  return rows
}
