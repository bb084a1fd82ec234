// 3. Start-up: what loading the action costs before it does anything, against `node -e 0`;
// the bundle's size, and which packages make it up (from its source map).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { BUNDLE } from '../../scripts/run-action.js'
import { each, kib, median, mib, milliseconds, percent, ratio } from '../lib/format.js'
import { markdownTable } from '../lib/markdown.js'
import { runFailure } from '../lib/package.js'
import { runBundle, runNodeEmpty, type Measured } from '../lib/processes.js'
import { bytesByOrigin, UNMAPPED } from '../lib/source-map.js'
import type { BenchContext, SectionReport } from '../lib/section.js'

const BAD_INPUTS = {
  'api-key': 'demo-full-key',
  'catalog-id': 'not-a-guid',
  version: '1.0.0.1',
  // Never contacted: the input is rejected first.
  'base-url': 'http://127.0.0.1:9'
}

const TOP_ORIGINS = 6

export async function startup({ options, scratch, log }: BenchContext): Promise<SectionReport> {
  const commands = {
    node: { label: '`node -e 0`', samples: [] as Measured[] },
    action: {
      label: 'action, fails on a bad input (`catalog-id: not-a-guid`)',
      samples: [] as Measured[]
    }
  }
  log(`Start-up: ${options.startupRuns} runs of each command, alternating`)
  for (let run = 0; run < options.startupRuns; run++) {
    const order = run % 2 ? (['action', 'node'] as const) : (['node', 'action'] as const)
    for (const which of order) {
      const dir = scratch.folder('startup')
      try {
        if (which === 'node') {
          commands.node.samples.push(await runNodeEmpty(dir))
        } else {
          const measured = await runBundle(BAD_INPUTS, dir)
          if (measured.run.code !== 1 || !/catalog-id/.test(measured.run.stdout)) {
            throw runFailure('The bad-input run did not fail on catalog-id', measured.run)
          }
          commands.action.samples.push(measured)
        }
      } finally {
        scratch.remove(dir)
      }
    }
  }
  log(
    `  done: node -e 0 ${milliseconds(median(commands.node.samples.map(s => s.wallMs)))}, ` +
      `action ${milliseconds(median(commands.action.samples.map(s => s.wallMs)))}`
  )

  const nodeWall = median(commands.node.samples.map(s => s.wallMs))
  const nodeRss = median(commands.node.samples.map(s => s.peakRssKiB)) * 1024
  const rows = Object.values(commands).map(({ label, samples }) => {
    const wall = median(samples.map(s => s.wallMs))
    const rss = median(samples.map(s => s.peakRssKiB)) * 1024
    return [
      label,
      milliseconds(wall),
      ratio(wall, nodeWall),
      mib(rss),
      mib(rss - nodeRss),
      each(
        samples.map(s => s.wallMs),
        ms => ms.toFixed(0)
      )
    ]
  })
  const body = [
    `${options.startupRuns} runs of each command, alternating; medians. Both run with the same ` +
      'peak-RSS hook preloaded (`--import`), so its small cost is on both sides.',
    '',
    markdownTable({
      header: [
        'Command',
        'Wall time',
        'vs `node -e 0`',
        'Peak RSS',
        'RSS above `node -e 0`',
        'Every run (ms)'
      ],
      rows
    }),
    '',
    ...bundleReport()
  ]
  return { title: 'Start-up', body: body.join('\n') }
}

/** The files of dist/ that Node loads, and each one's bytes per package. */
function bundleReport(): string[] {
  const dist = path.dirname(BUNDLE)
  const loaded = readdirSync(dist)
    .filter(name => /\.(c|m)?js$/.test(name))
    .sort((a, b) => (a === 'index.js' ? -1 : b === 'index.js' ? 1 : a.localeCompare(b)))
  const sizes = loaded.map(name => [name, statSync(path.join(dist, name)).size] as const)
  const total = sizes.reduce((sum, [, size]) => sum + size, 0)
  const lines = [
    `The bundle: ${sizes.map(([name, size]) => `\`dist/${name}\` ${kib(size)}`).join(', ')}; ` +
      `${kib(total)} of JavaScript in all. A run loads \`dist/index.js\` first (reading and ` +
      'checking the inputs); the other files are chunks it loads only once the inputs are valid, ' +
      'so a run that fails on its inputs never loads them. The source maps are read by no run.'
  ]
  const rows: string[][] = []
  for (const [name, fileBytes] of sizes) {
    const mapFile = path.join(dist, `${name}.map`)
    if (!existsSync(mapFile)) continue
    const code = readFileSync(path.join(dist, name), 'utf8')
    const byOrigin = [
      ...bytesByOrigin(code, JSON.parse(readFileSync(mapFile, 'utf8'))).entries()
    ].sort((a, b) => b[1] - a[1])
    const shown = byOrigin.filter(([origin]) => origin !== UNMAPPED).slice(0, TOP_ORIGINS)
    const rest = byOrigin.filter(
      ([origin]) => origin !== UNMAPPED && !shown.some(s => s[0] === origin)
    )
    for (const [origin, bytes] of shown)
      rows.push([`\`${name}\``, origin, kib(bytes), percent(bytes, fileBytes)])
    if (rest.length > 0) {
      const bytes = rest.reduce((sum, [, size]) => sum + size, 0)
      rows.push([`\`${name}\``, `${rest.length} others`, kib(bytes), percent(bytes, fileBytes)])
    }
    const unmapped = byOrigin.find(([origin]) => origin === UNMAPPED)?.[1] ?? 0
    rows.push([`\`${name}\``, UNMAPPED, kib(unmapped), percent(unmapped, fileBytes)])
    rows.push([`**\`${name}\`**`, '', kib(fileBytes), '100.0 %'])
  }
  if (rows.length === 0) return [...lines, '', 'No source maps: no breakdown by package.']
  return [
    ...lines,
    '',
    'Each file by package, from its source map (each generated byte counted for the source its ' +
      'mapping names):',
    '',
    markdownTable({ header: ['File', 'Package', 'Size', 'Share of the file'], rows })
  ]
}
