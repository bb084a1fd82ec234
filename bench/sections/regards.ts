// 5. REGARDS: the REGARDS action's bundle (dist/regards/index.js) against the REGARDS emulator,
// with public access and the tool cache off, so that every run downloads and verifies. (a) One
// large file with its MD5 checked, next to a bare Node client that does the least a verifying
// client can (http.get, MD5, writeSync) in the same rounds. (b) Many small files, at
// `concurrency` 1, 2 and 4.
import { createHash, randomFillSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  catalogFile,
  DEMO_TENANT,
  startRegardsEmulator,
  type ProductSeed,
  type RegardsEmulator
} from '../../emulator/regards/index.js'
import { each, median, mib, mibPerSecond, ratio, seconds } from '../lib/format.js'
import { markdownTable } from '../lib/markdown.js'
import { runBundle, runNodeScript, settle, type Measured } from '../lib/processes.js'
import type { BenchContext, SectionReport } from '../lib/section.js'

const SMALL_FILES = 200
const SMALL_FILE_BYTES = 100 * 1024
const CONCURRENCY = [1, 2, 4]
const RATIO_TARGET = 1.2
const RSS_TARGET_MIB = 80

function urn(n: number): string {
  return `URN:FEATURE:DATA:${DEMO_TENANT}:00000000-0000-4000-8000-${String(n).padStart(12, '0')}:V1`
}

function product(n: number, providerId: string, files: ProductSeed['files']): ProductSeed {
  return { id: urn(n), providerId, label: providerId, groups: ['public'], files }
}

function randomBytes(size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size)
  for (let at = 0; at < size; at += 64 * 1024 * 1024) {
    randomFillSync(bytes, at, Math.min(64 * 1024 * 1024, size - at))
  }
  return bytes
}

interface Setup {
  emulator: RegardsEmulator
  large: { urn: string; bytes: Buffer; md5: string; uri: string }
  small: { urn: string }
}

async function serve(largeMiB: number): Promise<Setup> {
  const bytes = randomBytes(largeMiB * 1024 * 1024)
  const md5 = createHash('md5').update(bytes).digest('hex')
  const large = product(901, 'BENCH-LARGE', [
    catalogFile({ dataType: 'RAWDATA', filename: 'large.dat', content: bytes, checksum: md5 })
  ])
  const small = product(
    902,
    'BENCH-SMALL',
    Array.from({ length: SMALL_FILES }, (_, index) =>
      catalogFile({
        dataType: 'RAWDATA',
        filename: `small-${String(index).padStart(3, '0')}.dat`,
        content: randomBytes(SMALL_FILE_BYTES)
      })
    )
  )
  const emulator = await startRegardsEmulator({ products: [large, small], licenseLink: null })
  // Public access: the download carries the project as scope, no token.
  const uri = `${emulator.url}/api/v1/rs-catalog/downloads/${large.id}/files/${md5}?scope=${DEMO_TENANT}`
  return { emulator, large: { urn: large.id, bytes, md5, uri }, small: { urn: small.id } }
}

function inputs(emulator: RegardsEmulator, products: string, extra: Record<string, string> = {}) {
  return {
    url: emulator.url,
    tenant: DEMO_TENANT,
    products,
    cache: 'false',
    'max-files': String(SMALL_FILES),
    ...extra
  }
}

interface Command {
  label: string
  run(setup: Setup, dir: string): Promise<Measured>
}

const REFERENCE: Command = {
  label: 'Node: `http.get` + MD5 + `fs.writeSync` per chunk',
  async run({ large }, dir) {
    const file = path.join(dir, 'large.dat')
    const run = await runNodeScript('node-download-md5.mjs', [large.uri, file], dir)
    const result = JSON.parse(run.stdout) as { bytes: number; md5: string }
    if (result.bytes !== large.bytes.length || result.md5 !== large.md5) {
      throw new Error(`the Node reference got ${result.bytes} bytes, MD5 ${result.md5}`)
    }
    return run
  }
}

const ACTION_LARGE: Command = {
  label: 'action: one file, MD5 verified',
  async run({ emulator, large }, dir) {
    const measured = await runBundle(inputs(emulator, large.urn), dir, undefined, 'regards')
    const [file] = filesOf(measured.run.outputs, measured.run.code, 1)
    if (!readFileSync(file.path).equals(large.bytes))
      throw new Error('the action saved other bytes')
    return measured
  }
}

function actionSmall(concurrency: number): Command {
  return {
    label: `action: ${SMALL_FILES} files of ${SMALL_FILE_BYTES / 1024} KiB, \`concurrency: ${concurrency}\``,
    async run({ emulator, small }, dir) {
      const measured = await runBundle(
        inputs(emulator, small.urn, { concurrency: String(concurrency) }),
        dir,
        undefined,
        'regards'
      )
      filesOf(measured.run.outputs, measured.run.code, SMALL_FILES)
      return measured
    }
  }
}

function filesOf(
  outputs: Record<string, string>,
  code: number | null,
  count: number
): { path: string }[] {
  const files = outputs['files'] ? (JSON.parse(outputs['files']) as { path: string }[]) : []
  if (code !== 0 || files.length !== count) {
    throw new Error(`the REGARDS action exited ${code} with ${files.length} of ${count} files`)
  }
  return files
}

export async function regards({ options, scratch, log }: BenchContext): Promise<SectionReport> {
  log(`REGARDS: serving one ${options.mb} MiB file and ${SMALL_FILES} of 100 KiB`)
  const setup = await serve(options.mb)
  const commands = [REFERENCE, ACTION_LARGE, ...CONCURRENCY.map(actionSmall)]
  const samples = new Map<Command, Measured[]>(commands.map(command => [command, []]))
  try {
    for (let round = 0; round < options.rounds; round++) {
      log(`  round ${round + 1} of ${options.rounds}`)
      // Each round starts one command further on, so slow spells spread over all commands.
      for (let i = 0; i < commands.length; i++) {
        const command = commands[(i + round) % commands.length]
        const dir = scratch.folder('regards')
        try {
          settle()
          samples.get(command)?.push(await command.run(setup, dir))
        } finally {
          scratch.remove(dir)
        }
      }
    }
  } finally {
    await setup.emulator.close()
  }
  return report(options.mb, commands, samples)
}

function report(
  largeMiB: number,
  commands: Command[],
  samples: Map<Command, Measured[]>
): SectionReport {
  const wall = (command: Command) => median((samples.get(command) ?? []).map(run => run.wallMs))
  const rss = (command: Command) =>
    Math.max(...(samples.get(command) ?? []).map(run => run.peakRssKiB * 1024))
  const bytes = largeMiB * 1024 * 1024
  const rows = commands.map(command => {
    const runs = samples.get(command) ?? []
    const large = command === REFERENCE || command === ACTION_LARGE
    return [
      command.label,
      seconds(wall(command)),
      large ? mibPerSecond(bytes, wall(command)) : '',
      mib(rss(command)),
      each(
        runs.map(run => run.wallMs),
        ms => seconds(ms)
      )
    ]
  })
  const actionRatio = wall(ACTION_LARGE) / wall(REFERENCE)
  const actionRss = rss(ACTION_LARGE) / 1024 / 1024
  const small = CONCURRENCY.map((concurrency, index) => [concurrency, wall(commands[2 + index])])
  const falling = small.every(([, ms], index) => index === 0 || ms < small[index - 1][1])
  const targets = [
    [
      `one ${largeMiB} MiB file, MD5 verified, vs the bare Node client: ≤ ${RATIO_TARGET}×`,
      ratio(wall(ACTION_LARGE), wall(REFERENCE)),
      actionRatio <= RATIO_TARGET ? 'yes' : 'no'
    ],
    [
      `peak RSS of the action, one ${largeMiB} MiB file: ≤ ${RSS_TARGET_MIB} MiB`,
      mib(rss(ACTION_LARGE)),
      actionRss <= RSS_TARGET_MIB ? 'yes' : 'no'
    ],
    [
      `${SMALL_FILES} files: wall time falls with concurrency 1, 2, 4`,
      small.map(([concurrency, ms]) => `${concurrency}: ${seconds(ms)}`).join(', '),
      falling ? 'yes' : 'no'
    ]
  ]
  return {
    title: 'REGARDS: verified downloads, one large file and many small ones',
    body: [
      'The REGARDS action (`dist/regards/index.js`) against the REGARDS emulator in this process, ' +
        'with public access and `cache: false`, so that every run downloads and verifies every ' +
        'file (size and MD5). The bare Node client fetches the same URL with `http.get`, hashes ' +
        'with MD5 and writes with `fs.writeSync`, the least a verifying client can do. Medians of ' +
        `${(samples.get(REFERENCE) ?? []).length} alternated rounds; peak RSS is the highest seen.`,
      '',
      markdownTable({
        header: ['Command', 'Wall (median)', 'Throughput', 'Peak RSS', 'Every run'],
        rows
      }),
      '',
      markdownTable({
        header: ['Target', 'Measured', 'Met'],
        rows: targets,
        align: ['left', 'right', 'left']
      })
    ].join('\n')
  }
}
