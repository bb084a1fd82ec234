// 5. Many small entries: a package of 60,000 tiny files downloaded and unpacked (`extract: true`)
// by the action, against Info-ZIP's `unzip` unpacking the same package on the same disk, and the
// action's peak RSS. Per-entry costs (folders, streams, checks) show here, not in throughput.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DEMO_ORGANIZATION, startEmulator } from '../../emulator/index.js'
import { buildZip, type ZipEntryInput } from '../../emulator/zip-writer.js'
import { each, median, mib, ratio, seconds } from '../lib/format.js'
import { markdownTable } from '../lib/markdown.js'
import { API_KEY, runFailure } from '../lib/package.js'
import { runBundle, settle, type Measured } from '../lib/processes.js'
import type { BenchContext, SectionReport } from '../lib/section.js'

const ITEM_ID = '0b5e1c2d-3f4a-4b6c-8d7e-9fa0b1c2d3e6'
const VERSION = '1.0.0.1'
const FOLDERS = 100

/** `count` tiny deflated files in FOLDERS folders, after an AppInfo.xml. */
function manyEntries(count: number): Buffer {
  const entries: ZipEntryInput[] = [
    { name: 'AppInfo.xml', data: '<AppInfo><Name>Many Entries</Name></AppInfo>\n' }
  ]
  for (let i = 0; i < count; i++) {
    const folder = `dir-${String(i % FOLDERS).padStart(3, '0')}`
    entries.push({
      name: `AppInstallContent/Files/${folder}/file-${String(i).padStart(6, '0')}.txt`,
      data: `entry ${i}\n`
    })
  }
  return buildZip(entries)
}

/** Info-ZIP's unzip of `file` into `into`, timed from spawn to exit. */
function timeUnzip(file: string, into: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn('unzip', ['-q', file, '-d', into], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', code =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`unzip: exit ${code}`))
    )
  })
}

function countFiles(dir: string): number {
  let count = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) count++
  return count
}

export async function manyEntriesSection({
  options,
  scratch,
  log
}: BenchContext): Promise<SectionReport> {
  const count = options.quick ? 6_000 : 60_000
  const zip = manyEntries(count)
  const rounds = options.rounds
  const emulator = await startEmulator({
    rateLimit: false,
    items: [
      {
        id: ITEM_ID,
        name: 'Many Entries',
        organization: DEMO_ORGANIZATION,
        type: 'dmapp',
        versions: [{ version: VERSION, content: zip }]
      }
    ]
  })
  const action: Measured[] = []
  const unzip: number[] = []
  log(`Many entries: ${count} files, ${rounds} round(s) of the action and of unzip, alternating`)
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? (['unzip', 'action'] as const) : (['action', 'unzip'] as const)
      for (const which of order) {
        const dir = scratch.folder('many-entries')
        try {
          settle()
          if (which === 'unzip') {
            const file = path.join(dir, 'package.zip')
            writeFileSync(file, zip)
            const into = path.join(dir, 'unzipped')
            unzip.push(await timeUnzip(file, into))
            if (countFiles(into) !== count + 1) throw new Error('unzip left files out')
            continue
          }
          const inputs = {
            'api-key': API_KEY,
            'catalog-id': ITEM_ID,
            version: VERSION,
            'base-url': emulator.url,
            extract: 'true',
            cache: 'false'
          }
          const measured = await runBundle(inputs, dir)
          const extracted = measured.run.outputs['extracted-path'] ?? ''
          if (measured.run.code !== 0 || !existsSync(extracted))
            throw runFailure('The many-entries run did not unpack the package', measured.run)
          if (countFiles(extracted) !== count + 1)
            throw new Error(`The many-entries run unpacked other than ${count + 1} files`)
          action.push(measured)
        } finally {
          scratch.remove(dir)
        }
      }
    }
  } finally {
    await emulator.close()
  }
  const actionWall = median(action.map(run => run.wallMs))
  const unzipWall = median(unzip)
  log(`  done: action ${seconds(actionWall)}, unzip ${seconds(unzipWall)}`)
  const body = [
    `A ${mib(zip.length)} package of ${count.toLocaleString('en-US')} tiny deflated files in ` +
      `${FOLDERS} folders (and an AppInfo.xml), built with the emulator's zip writer. The action ` +
      'downloads it from the emulator and unpacks it (`extract: true`, `cache: false`); Info-ZIP ' +
      "`unzip -q` unpacks the same file on the same disk. Every command's files are removed and " +
      "`sync` run before the next one. Medians of the rounds; the action's time includes its " +
      'start-up and the download. `unzip` is not Node: no peak RSS.',
    '',
    markdownTable({
      header: ['Command', 'Wall time', 'vs `unzip`', 'Peak RSS', 'Every run (s)'],
      rows: [
        [
          'action, `extract: true`',
          seconds(actionWall),
          ratio(actionWall, unzipWall),
          mib(median(action.map(run => run.peakRssKiB)) * 1024),
          each(
            action.map(run => run.wallMs),
            ms => (ms / 1000).toFixed(1)
          )
        ],
        ['`unzip -q`', seconds(unzipWall), '1.00×', '-', each(unzip, ms => (ms / 1000).toFixed(1))]
      ]
    })
  ]
  return { title: 'Many small entries', body: body.join('\n') }
}
