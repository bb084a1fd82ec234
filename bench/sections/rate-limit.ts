// 4. Rate-limit efficiency: K runs of the action in a row (separate processes, as K jobs on one
// runner IP) through one token bucket of c tokens refilled one per r seconds. The K-th download
// cannot succeed before (K−c)·r after the first; the rest is what the waiting cost on top, and
// every rejection beyond one per token waited for spent a request for nothing.
import type { RateLimitOptions } from '../../emulator/index.js'
import { each, median, seconds } from '../lib/format.js'
import { markdownTable } from '../lib/markdown.js'
import { actionInputs, buildPackage, checkActionRun, servePackage } from '../lib/package.js'
import { runBundle } from '../lib/processes.js'
import type { BenchContext, SectionReport } from '../lib/section.js'

interface Case {
  label: string
  /** How a rejection says when to come back. */
  announces: string
  rateLimit: RateLimitOptions & { burst: number; refillSeconds: number }
  runs: number
}

interface Series {
  totalMs: number
  rejected: number
  requests: number
  waitedSeconds: number
  runMs: number[]
}

const PACKAGE_MIB = 1

function cases(quick: boolean, realRefill: boolean): Case[] {
  const bucket = quick ? { burst: 2, refillSeconds: 1 } : { burst: 2, refillSeconds: 3 }
  const runs = quick ? 4 : 6
  const list: Case[] = [
    {
      label: '(a) Retry-After in seconds',
      announces: '`Retry-After: <seconds>` and the body text',
      rateLimit: { ...bucket, retryAfter: 'seconds' },
      runs
    },
    {
      label: '(b) Retry-After as an HTTP-date',
      announces: '`Retry-After: <HTTP-date>` and the body text',
      rateLimit: { ...bucket, retryAfter: 'date' },
      runs
    },
    {
      label: '(c) wait named in the body only',
      announces: '"Try again in N seconds." in the body, no header',
      rateLimit: { ...bucket, retryAfter: 'none' },
      runs
    }
  ]
  if (realRefill) {
    list.push({
      label: '(d) nothing names the wait, real 36 s refill',
      announces: 'nothing: no header, no wait in the body',
      rateLimit: { burst: 1, refillSeconds: 36, retryAfter: 'none', waitInBody: false },
      runs: 3
    })
  }
  return list
}

export async function rateLimit({ options, scratch, log }: BenchContext): Promise<SectionReport> {
  const pkg = buildPackage(PACKAGE_MIB)
  const list = cases(options.quick, options.realRefill)
  const maxRuns = Math.max(...list.map(c => c.runs))

  const runSeries = async (limit: RateLimitOptions | false, runs: number): Promise<Series> => {
    const emulator = await servePackage(pkg, limit)
    try {
      const series: Series = { totalMs: 0, rejected: 0, requests: 0, waitedSeconds: 0, runMs: [] }
      const started = performance.now()
      for (let i = 0; i < runs; i++) {
        const dir = scratch.folder('rate')
        try {
          const { run } = await runBundle({ ...actionInputs(emulator), cache: 'false' }, dir)
          await checkActionRun(run, pkg, `run ${i + 1}`, { cacheHit: false, extract: false })
          series.runMs.push(run.wallMs)
          series.waitedSeconds += Number(run.outputs['waited-seconds'] ?? 0)
        } finally {
          scratch.remove(dir)
        }
      }
      series.totalMs = performance.now() - started
      series.requests = emulator.requests.length
      series.rejected = emulator.requests.filter(r => r.status === 429 || r.status === 503).length
      return series
    } finally {
      await emulator.close()
    }
  }

  const results = new Map<Case, Series[]>(list.map(c => [c, []]))
  const unlimited: Series[] = []
  for (let round = 0; round < options.rateRounds; round++) {
    const tag = `round ${round + 1}/${options.rateRounds}`
    const reference = await runSeries(false, maxRuns)
    unlimited.push(reference)
    log(`Rate limit, ${tag}: ${maxRuns} runs without a limit took ${seconds(reference.totalMs)}`)
    for (const c of list) {
      const ideal = (c.runs - c.rateLimit.burst) * c.rateLimit.refillSeconds
      log(`  ${c.label}: ${c.runs} runs, ideal ${ideal} s ...`)
      const series = await runSeries(c.rateLimit, c.runs)
      results.get(c)?.push(series)
      log(`    took ${seconds(series.totalMs)}, ${series.rejected} rejected`)
    }
  }
  return report(list, results, unlimited, maxRuns, options.rateRounds)
}

function report(
  list: Case[],
  results: Map<Case, Series[]>,
  unlimited: Series[],
  maxRuns: number,
  rounds: number
): SectionReport {
  const oneRun = median(unlimited.flatMap(s => s.runMs))
  const rows = list.map(c => {
    const all = results.get(c) ?? []
    const total = median(all.map(s => s.totalMs))
    const rejected = median(all.map(s => s.rejected))
    const tokens = c.runs - c.rateLimit.burst
    const idealMs = tokens * c.rateLimit.refillSeconds * 1000
    return [
      c.label,
      c.announces,
      `${c.rateLimit.burst}, ${c.rateLimit.refillSeconds} s`,
      String(c.runs),
      seconds(total, 1),
      seconds(idealMs, 0),
      `+${seconds(total - idealMs, 1)}`,
      String(rejected),
      (rejected / tokens).toFixed(2),
      `${median(all.map(s => s.waitedSeconds)).toFixed(0)} s`,
      rounds > 1
        ? each(
            all.map(s => s.totalMs),
            ms => (ms / 1000).toFixed(1)
          )
        : ''
    ]
  })
  const header = [
    'Case',
    'A rejection announces',
    'Bucket c, r',
    'Runs K',
    'Total',
    'Ideal (K−c)·r',
    'Total − ideal',
    'Rejected',
    'Rejected per token waited',
    'Waited (outputs)',
    'Every round (s)'
  ]
  const keep = rounds > 1 ? header.length : header.length - 1
  const body = [
    `Each case: K runs of the action in a row (separate processes, \`cache: false\`, a ` +
      `${PACKAGE_MIB} MiB package) through one fresh emulator bucket of c tokens, one token back ` +
      `every r seconds; rejections are 429. ${rounds === 1 ? 'One round' : `${rounds} rounds, medians`}.`,
    '',
    markdownTable({
      header: header.slice(0, keep),
      rows: rows.map(row => row.slice(0, keep)),
      align: header.slice(0, keep).map((_, i) => (i < 2 ? 'left' : 'right'))
    }),
    '',
    `- Reference, measured in the same run: ${maxRuns} runs in a row with no rate limit took ` +
      `${seconds(median(unlimited.map(s => s.totalMs)), 1)}, ${seconds(oneRun)} per run ` +
      '(median). Total − ideal cannot go below about one such run: the first run starts before ' +
      'its request and the last finishes after its grant; the runs in between overlap the waits.',
    '- Ideal: the bucket starts full at the first request and gains a token every r seconds, so ' +
      'the K-th grant comes (K−c)·r after the first at the earliest. Rejected: 429 answers in ' +
      "the emulator's request log; per token waited: divided by the K−c tokens that had to be " +
      'waited for (1.00: every waiting run was rejected once, then waited exactly long enough). ' +
      "Waited: the sum of the runs' `waited-seconds` outputs.",
    '- (b) An HTTP-date has whole seconds, rounded up by the emulator. (d) With nothing to go on, ' +
      'the action waits one documented refill (36 s) plus up to 5 % jitter.'
  ]
  return { title: 'Rate-limit efficiency', body: body.join('\n') }
}
