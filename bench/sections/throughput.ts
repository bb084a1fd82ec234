// 1. Throughput: how long the action takes to put a large package on disk, next to bare
// downloads of the same URL (curl and plain Node) measured in the same rounds.
import path from 'node:path'
import type { CatalogEmulator } from '../../emulator/index.js'
import { each, median, mib, mibPerSecond, ratio, seconds } from '../lib/format.js'
import { markdownTable } from '../lib/markdown.js'
import {
  actionInputs,
  buildPackage,
  checkActionRun,
  checkFile,
  downloadUrl,
  servePackage,
  type BenchPackage,
  type Expected
} from '../lib/package.js'
import {
  runBundle,
  runCurl,
  runNodeClient,
  settle,
  type Measured,
  type NodeClientMode,
  type Scratch
} from '../lib/processes.js'
import type { BenchContext, SectionReport } from '../lib/section.js'
import { highestTarget, ratioTarget, type TargetRow } from '../lib/targets.js'
import { progressCost } from './progress-cost.js'

interface Setup {
  pkg: BenchPackage
  emulator: CatalogEmulator
  scratch: Scratch
  /** A tool cache holding the package, for the cache-hit commands. */
  filledCache: string
}

interface Command {
  label: string
  kind: 'curl' | 'node download' | 'node' | 'action'
  run(setup: Setup): Promise<Measured>
}

const FILE_NAME = 'package.dmapp'

function curl(): Command {
  return {
    label: '`curl -o file`',
    kind: 'curl',
    async run({ pkg, emulator, scratch }) {
      const dir = scratch.folder('curl')
      try {
        const file = path.join(dir, FILE_NAME)
        settle()
        const run = await runCurl(downloadUrl(emulator), file, dir)
        await checkFile(file, pkg, 'curl')
        return run
      } finally {
        scratch.remove(dir)
      }
    }
  }
}

function node(label: string, mode: NodeClientMode): Command {
  return {
    label,
    kind: mode === 'discard' ? 'node' : 'node download',
    async run({ pkg, emulator, scratch }) {
      const dir = scratch.folder('node')
      try {
        const file = path.join(dir, FILE_NAME)
        settle()
        const run = await runNodeClient(mode, downloadUrl(emulator), file, dir)
        if (run.bytes !== pkg.zip.length) throw new Error(`${label}: got ${run.bytes} bytes`)
        if (run.sha256 !== undefined && run.sha256 !== pkg.sha256) {
          throw new Error(`${label}: SHA-256 ${run.sha256}`)
        }
        if (mode !== 'discard') await checkFile(file, pkg, label)
        return run
      } finally {
        scratch.remove(dir)
      }
    }
  }
}

function action(
  label: string,
  inputs: Record<string, string>,
  expected: Expected & { filledCache?: boolean }
): Command {
  return {
    label,
    kind: 'action',
    async run({ pkg, emulator, scratch, filledCache }) {
      const dir = scratch.folder('action')
      try {
        settle()
        const run = await runBundle(
          { ...actionInputs(emulator), ...inputs },
          dir,
          expected.filledCache ? filledCache : undefined
        )
        await checkActionRun(run.run, pkg, label, expected)
        return run
      } finally {
        scratch.remove(dir)
      }
    }
  }
}

const COMMANDS: Command[] = [
  curl(),
  node('Node: `pipeline(res, createWriteStream)`', 'pipeline'),
  node('Node: the same + SHA-256 Transform', 'pipeline-sha256'),
  node('Node: `fs.writeSync` per chunk', 'write-sync'),
  node('Node: read and discard (no file)', 'discard'),
  action('action, `cache: false`', { cache: 'false' }, { cacheHit: false, extract: false }),
  action('action, `cache: true` (empty tool cache)', {}, { cacheHit: false, extract: false }),
  action(
    'action, `extract: true`, `cache: false`',
    { extract: 'true', cache: 'false' },
    { cacheHit: false, extract: true }
  ),
  action(
    'action, `cache: true` + `extract: true` (empty tool cache)',
    { extract: 'true' },
    { cacheHit: false, extract: true }
  ),
  action('action, cache hit', {}, { cacheHit: true, extract: false, filledCache: true }),
  action(
    'action, cache hit + `extract: true`',
    { extract: 'true' },
    { cacheHit: true, extract: true, filledCache: true }
  )
]

export async function throughput({ options, scratch, log }: BenchContext): Promise<SectionReport> {
  log(`Throughput: building a ${options.mb} MiB package`)
  const pkg = buildPackage(options.mb)
  const emulator = await servePackage(pkg)
  const samples = new Map<Command, Measured[]>(COMMANDS.map(command => [command, []]))
  try {
    log('  filling a tool cache for the cache-hit runs (one run with cache: true, untimed)')
    const filledCache = scratch.folder('filled-tool-cache')
    const fill = scratch.folder('fill')
    const filled = await runBundle(actionInputs(emulator), fill, filledCache)
    await checkActionRun(filled.run, pkg, 'filling the tool cache', {
      cacheHit: false,
      extract: false
    })
    scratch.remove(fill)

    const setup: Setup = { pkg, emulator, scratch, filledCache }
    for (let round = 0; round < options.rounds; round++) {
      // Round-robin, each round starting one command further on, so that no command always
      // follows the same one.
      const order = COMMANDS.map((_, i) => COMMANDS[(i + round) % COMMANDS.length])
      for (const command of order) {
        const measured = await command.run(setup)
        samples.get(command)?.push(measured)
        log(
          `  round ${round + 1}/${options.rounds}  ${plain(command.label).padEnd(40)} ` +
            seconds(measured.wallMs)
        )
      }
    }
  } finally {
    await emulator.close()
  }
  return report(pkg, samples, options.rounds)
}

function report(pkg: BenchPackage, samples: Map<Command, Measured[]>, rounds: number) {
  const size = pkg.zip.length
  const wall = (command: Command): number =>
    median((samples.get(command) ?? []).map(sample => sample.wallMs))
  const nodeDownloads = COMMANDS.filter(command => command.kind === 'node download')
  const fastestNode = nodeDownloads.reduce((best, command) =>
    wall(command) < wall(best) ? command : best
  )
  const curlCommand = COMMANDS.find(command => command.kind === 'curl') ?? COMMANDS[0]
  const rows = COMMANDS.map(command => {
    const list = samples.get(command) ?? []
    return [
      command === fastestNode ? `${command.label} **(fastest Node download)**` : command.label,
      seconds(wall(command)),
      mibPerSecond(size, wall(command)),
      ratio(wall(command), wall(fastestNode)),
      ratio(wall(command), wall(curlCommand)),
      command.kind === 'curl' ? '-' : mib(median(list.map(s => s.peakRssKiB)) * 1024),
      each(
        list.map(s => s.wallMs),
        ms => (ms / 1000).toFixed(2)
      )
    ]
  })
  const table = markdownTable({
    header: [
      'Command',
      'Wall time',
      'Throughput',
      'vs fastest Node download',
      'vs curl',
      'Peak RSS',
      'Every run (s)'
    ],
    rows
  })
  const body = [
    `Package: ${mib(size)} .dmapp zip, ${pkg.parts.length} stored ` +
      `${pkg.parts.length === 1 ? 'entry' : 'entries'} of random data ` +
      `(built in ${seconds(pkg.buildMs)}), served by the emulator from memory over 127.0.0.1, ` +
      `rate limit off. ${rounds === 1 ? 'One round' : `${rounds} rounds`}: every command ran ` +
      'once per round, in turn (each round starting one command later); the table shows medians.',
    '',
    table,
    '',
    `- Wall time: from spawning the process to its exit, Node's start-up included. ` +
      `Throughput: package size / wall time. The "vs" columns divide the command's wall time ` +
      `by the reference's (1.00× as fast, 2.00× twice as long). The fastest Node download ` +
      `(one that writes the file) in this run: ${fastestNode.label}.`,
    '- Page cache: before every command the previous command’s files were deleted and `sync` ' +
      'flushed the disk (untimed), so each command starts without dirty pages and none pays for ' +
      "another's writeback. What a command writes stays in the page cache (nothing calls fsync), " +
      'as on a runner. The cache-hit rows read a tool cache filled once before the rounds ' +
      '(by an untimed `cache: true` run), so the package is likely in the page cache for them.',
    '- Every run was checked: the file (and every unpacked entry) has the SHA-256 of the ' +
      'package (of the entry), and `cache-hit` is what the row says.'
  ]
  return {
    title: 'Throughput',
    body: body.join('\n'),
    targets: targets(samples, fastestNode, size)
  }
}

function labelled(label: string): Command {
  const command = COMMANDS.find(c => c.label === label)
  if (!command) throw new Error(`no command ${label}`)
  return command
}

function targets(samples: Map<Command, Measured[]>, fastestNode: Command, size: number) {
  const walls = (command: Command) => (samples.get(command) ?? []).map(s => s.wallMs)
  const noCache = walls(labelled('action, `cache: false`'))
  const rows: TargetRow[] = [
    ratioTarget('`cache: false` vs the fastest Node download', noCache, walls(fastestNode), 1.15),
    ratioTarget(
      '`cache: true` (empty cache) vs `cache: false`',
      walls(labelled('action, `cache: true` (empty tool cache)')),
      noCache,
      1.15,
      true
    ),
    ratioTarget(
      '`extract: true` vs `cache: false`',
      walls(labelled('action, `extract: true`, `cache: false`')),
      noCache,
      1.3
    ),
    ratioTarget(
      '`cache: true` + `extract: true` vs `cache: false`',
      walls(labelled('action, `cache: true` + `extract: true` (empty tool cache)')),
      noCache,
      1.4
    ),
    highestTarget(
      `peak RSS, the action's rows here (${mib(size, 0)})`,
      COMMANDS.filter(c => c.kind === 'action').map(c => ({
        label: plain(c.label).replace(/^action, /, ''),
        samples: (samples.get(c) ?? []).map(s => s.peakRssKiB * 1024)
      })),
      80 * 1024 * 1024,
      bytes => mib(bytes)
    ),
    progressCost(size, median(noCache))
  ]
  return rows
}

function plain(label: string): string {
  return label.replace(/[`*]/g, '')
}
