// `npm run bench [-- --mb N --runs N]`: how fast the committed bundle downloads a large package
// from the local Catalog emulator, and how much memory the action's process needs meanwhile.
// Figures, not assertions: only the download's correctness is checked (SHA-256). A streamed
// download keeps the child's peak RSS flat, whatever the package size.
import { createHash, randomBytes } from 'node:crypto'
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { DEMO_ORGANIZATION, startEmulator, type ItemSeed } from '../emulator/index.js'
import { buildZip, type ZipEntryInput } from '../emulator/zip-writer.js'
import {
  BUNDLE,
  bundleExists,
  makeJobDirs,
  runAction,
  type ActionRun,
  type JobDirs
} from '../scripts/run-action.js'

const USAGE = `Usage: npm run bench -- [--mb N] [--runs N]

  --mb N      size of the package's random content in MiB (default 250, 1 to 2000)
  --runs N    rounds of every scenario; the table shows medians (default 3, 1 to 20)
  -h, --help  show this help`

const MIB = 1024 * 1024
const PART_BYTES = 64 * MIB
const KEY = 'demo-full-key'
const ITEM_ID = '0b5e1c2d-3f4a-4b6c-8d7e-9fa0b1c2d3e4'
const VERSION = '1.0.0.1'
const RUN_TIMEOUT_MS = 10 * 60_000

// Loads the bundle as the runner's node would and, on exit, writes the process's peak resident
// set size in KiB to the file the bench names. On Linux it reads VmHWM from /proc/self/status:
// process.resourceUsage().maxRSS there also counts the memory the parent (this bench, holding
// the package) had when it forked the child, as ru_maxrss survives fork and exec.
const RSS_WRAPPER = `import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
function peakRss() {
  try {
    const match = /^VmHWM:\\s+(\\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (match) return match[1] + ' VmHWM'
  } catch {}
  return process.resourceUsage().maxRSS + ' maxRSS'
}
process.on('exit', () => writeFileSync(process.env.BENCH_MAX_RSS_FILE, peakRss()))
await import(pathToFileURL(process.env.BENCH_BUNDLE).href)
`

interface Part {
  name: string
  size: number
  sha256: string
}

interface BenchPackage {
  zip: Buffer
  sha256: string
  parts: Part[]
}

interface Scenario {
  name: string
  inputs: Record<string, string>
  /** The baseline's inputs are invalid: it must fail, and moves no bytes. */
  baseline?: boolean
  extract?: boolean
  cacheHit?: boolean
}

// In this order in each round: the cache-hit scenario reuses the tool cache the one before it
// filled.
const SCENARIOS: Scenario[] = [
  {
    name: 'baseline: fails input validation',
    inputs: { 'catalog-id': 'not-a-guid' },
    baseline: true
  },
  { name: 'download, cache off', inputs: { cache: 'false' } },
  {
    name: 'download, cache on + extract',
    inputs: { cache: 'true', extract: 'true' },
    extract: true,
    cacheHit: false
  },
  {
    name: 'cache hit + extract',
    inputs: { cache: 'true', extract: 'true' },
    extract: true,
    cacheHit: true
  }
]

interface Sample {
  wallMs: number
  peakRssKiB: number
  source: string
}

function parseOptions(): { mb: number; runs: number } | undefined {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string', default: '250' },
      runs: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) return undefined
  const whole = (flag: string, text: string, max: number): number => {
    const value = Number(text)
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new Error(`${flag} must be a whole number from 1 to ${max}, got '${text}'\n\n${USAGE}`)
    }
    return value
  }
  return { mb: whole('--mb', values.mb, 2000), runs: whole('--runs', values.runs, 20) }
}

/** A .dmapp zip: AppInfo.xml plus `mb` MiB of random data in stored (uncompressed) parts. */
function buildPackage(mb: number): BenchPackage {
  const entries: ZipEntryInput[] = [
    {
      name: 'AppInfo.xml',
      data:
        '<?xml version="1.0" encoding="utf-8"?>\n<AppInfo>\n  <Name>Bench Package</Name>\n' +
        `  <Version>${VERSION}</Version>\n</AppInfo>\n`
    }
  ]
  const parts: Part[] = []
  for (let left = mb * MIB, index = 1; left > 0; left -= PART_BYTES, index++) {
    const data = randomBytes(Math.min(left, PART_BYTES))
    const name = `AppInstallContent/Data/part-${String(index).padStart(3, '0')}.bin`
    parts.push({ name, size: data.length, sha256: sha256(data) })
    entries.push({ name, data, store: true })
  }
  const zip = buildZip(entries)
  return { zip, sha256: sha256(zip), parts }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function failure(what: string, run: ActionRun): Error {
  const log = (run.stdout + run.stderr)
    .split('\n')
    .filter(line => line && !line.startsWith('::debug::') && !line.startsWith('::add-mask::'))
    .slice(-15)
    .join('\n')
  const how = run.timedOut ? 'timed out' : `exit code ${run.code}`
  return new Error(`${what} (${how}):\n${log}`)
}

/** Checks the file (and the unpacked parts) against the package; returns what was checked. */
async function verifyDownload(
  run: ActionRun,
  pkg: BenchPackage,
  scenario: Scenario
): Promise<string> {
  if (run.code !== 0) throw failure(`${scenario.name}: the step failed`, run)
  const file = run.outputs['path'] ?? ''
  const fileSha = existsSync(file) ? await sha256OfFile(file) : 'no file'
  if (fileSha !== pkg.sha256 || run.outputs['sha256'] !== pkg.sha256) {
    throw new Error(
      `${scenario.name}: SHA-256 mismatch: package ${pkg.sha256}, file ${fileSha}, ` +
        `sha256 output ${run.outputs['sha256']}`
    )
  }
  const checked = ['file SHA-256 = package SHA-256 = sha256 output']
  if (scenario.extract) {
    const folder = run.outputs['extracted-path'] ?? ''
    for (const part of pkg.parts) {
      const unpacked = path.join(folder, ...part.name.split('/'))
      const partSha = existsSync(unpacked) ? await sha256OfFile(unpacked) : 'missing'
      if (partSha !== part.sha256) {
        throw new Error(`${scenario.name}: unpacked ${part.name} differs (${partSha})`)
      }
    }
    checked.push(`${pkg.parts.length} unpacked part(s) match the zip's entries`)
  }
  if (
    scenario.cacheHit !== undefined &&
    (run.outputs['cache-hit'] === 'true') !== scenario.cacheHit
  ) {
    throw new Error(`${scenario.name}: cache-hit is ${run.outputs['cache-hit']}`)
  }
  checked.push(`cache-hit ${run.outputs['cache-hit']}`)
  return checked.join('; ')
}

function printTable(samples: Map<Scenario, Sample[]>, packageBytes: number, runs: number): void {
  const baseline = SCENARIOS.find(scenario => scenario.baseline)
  const baselineRss = median((baseline && samples.get(baseline)?.map(s => s.peakRssKiB)) || [0])
  const header = [
    'Scenario',
    'Package',
    'Wall time',
    'Throughput',
    'Peak RSS',
    'Above baseline',
    'RSS / package'
  ]
  const rows = SCENARIOS.map(scenario => {
    const list = samples.get(scenario) ?? []
    const wallMs = median(list.map(s => s.wallMs))
    const rssBytes = median(list.map(s => s.peakRssKiB)) * 1024
    if (scenario.baseline) {
      return [scenario.name, '-', seconds(wallMs), '-', mib(rssBytes), '-', '-']
    }
    return [
      scenario.name,
      mib(packageBytes),
      seconds(wallMs),
      `${(packageBytes / MIB / (wallMs / 1000)).toFixed(0)} MiB/s`,
      mib(rssBytes),
      mib(rssBytes - baselineRss * 1024),
      (rssBytes / packageBytes).toFixed(2)
    ]
  })
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map(row => row[column].length))
  )
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column])
      )
      .join('  ')
  const of = runs === 1 ? '1 run' : `medians of ${runs} runs`
  console.log(`  Results (${of}):`)
  console.log()
  console.log(`  ${line(header)}`)
  console.log(`  ${widths.map(width => '-'.repeat(width)).join('  ')}`)
  for (const row of rows) console.log(`  ${line(row)}`)
  if (runs > 1) {
    console.log()
    console.log('  Every run (wall time / peak RSS):')
    for (const scenario of SCENARIOS) {
      const list = (samples.get(scenario) ?? [])
        .map(s => `${seconds(s.wallMs)} / ${mib(s.peakRssKiB * 1024)}`)
        .join(', ')
      console.log(`    ${scenario.name.padEnd(widths[0])}  ${list}`)
    }
  }
}

async function runRound(
  round: number,
  root: string,
  wrapper: string,
  baseInputs: Record<string, string>,
  pkg: BenchPackage,
  samples: Map<Scenario, Sample[]>,
  checks: Map<Scenario, string>
): Promise<void> {
  const toolCache = path.join(root, `round-${round}`, 'tool-cache')
  for (const [index, scenario] of SCENARIOS.entries()) {
    const job = path.join(`round-${round}`, `job-${index}`)
    const dirs: JobDirs = makeJobDirs(root, job, toolCache)
    const rssFile = path.join(root, `peak-rss-${round}-${index}`)
    process.stdout.write(`    ${scenario.name} ... `)
    const run = await runAction(
      { ...baseInputs, ...scenario.inputs },
      {
        dirs,
        entry: wrapper,
        env: { BENCH_BUNDLE: BUNDLE, BENCH_MAX_RSS_FILE: rssFile },
        timeoutMs: RUN_TIMEOUT_MS
      }
    )
    console.log(`exit code ${run.code}, ${seconds(run.wallMs)}`)
    if (scenario.baseline) {
      if (run.code !== 1) throw failure('The baseline run did not fail validation', run)
    } else {
      checks.set(scenario, await verifyDownload(run, pkg, scenario))
    }
    const [kib, source] = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').split(' ') : []
    if (!Number(kib)) throw new Error(`${scenario.name}: the wrapper recorded no peak RSS`)
    samples.get(scenario)?.push({ wallMs: run.wallMs, peakRssKiB: Number(kib), source })
    rmSync(path.join(root, job), { recursive: true, force: true })
  }
  rmSync(path.join(root, `round-${round}`), { recursive: true, force: true })
}

async function main(): Promise<number> {
  let options: { mb: number; runs: number } | undefined
  try {
    options = parseOptions()
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return 2
  }
  if (!options) {
    console.log(USAGE)
    return 0
  }
  if (!bundleExists()) {
    console.error(
      `${path.relative(process.cwd(), BUNDLE)} does not exist: run npm run bundle first.`
    )
    return 1
  }

  const cpus = os.cpus()
  console.log('Download throughput and memory of the committed bundle (dist/index.js)')
  console.log(
    `  Machine:  ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${mib(os.totalmem())} RAM, ${os.type()} ${os.release()}, Node ${process.version}`
  )

  const buildStarted = performance.now()
  const pkg = buildPackage(options.mb)
  console.log(
    `  Package:  ${mib(pkg.zip.length)} .dmapp zip, ${pkg.parts.length} stored part(s) of ` +
      `random data, built in ${seconds(performance.now() - buildStarted)}`
  )
  console.log(`            SHA-256 ${pkg.sha256}`)

  const item: ItemSeed = {
    id: ITEM_ID,
    name: 'Bench Package',
    organization: DEMO_ORGANIZATION,
    type: 'dmapp',
    versions: [{ version: VERSION, content: pkg.zip }]
  }
  const emulator = await startEmulator({ items: [item], rateLimit: false })
  const root = mkdtempSync(path.join(os.tmpdir(), 'catalog-bench-'))
  const wrapper = path.join(root, 'peak-rss-wrapper.mjs')
  writeFileSync(wrapper, RSS_WRAPPER)
  console.log(`  Emulator: ${emulator.url}, rate limit off`)
  console.log(`  Files:    ${root} (removed at the end)`)

  const baseInputs = {
    'api-key': KEY,
    'catalog-id': ITEM_ID,
    version: VERSION,
    'base-url': emulator.url
  }
  const samples = new Map<Scenario, Sample[]>(SCENARIOS.map(scenario => [scenario, []]))
  const checks = new Map<Scenario, string>()
  let exitCode = 0
  try {
    const started = performance.now()
    for (let round = 1; round <= options.runs; round++) {
      console.log()
      console.log(`  Run ${round} of ${options.runs}:`)
      await runRound(round, root, wrapper, baseInputs, pkg, samples, checks)
    }
    console.log()
    console.log(`  All runs took ${seconds(performance.now() - started)}.`)
    console.log()
    printTable(samples, pkg.zip.length, options.runs)
    const sources = new Set([...samples.values()].flat().map(sample => sample.source))
    console.log()
    console.log(
      `  Peak RSS from ${[...sources].join(' and ')} ` +
        `(${sources.has('VmHWM') ? '/proc/self/status' : 'process.resourceUsage()'}) ` +
        'of the action process.'
    )
    console.log('  Checked after every run:')
    for (const [scenario, check] of checks) console.log(`    ${scenario.name}: ${check}`)
  } catch (error) {
    console.log()
    console.error(error instanceof Error ? error.message : String(error))
    exitCode = 1
  } finally {
    await emulator.close()
    rmSync(root, { recursive: true, force: true })
  }
  return exitCode
}

process.exitCode = await main()
