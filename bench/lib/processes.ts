// Starting what the bench measures as child processes, timed from spawn to exit: the action's
// bundle the way the runner starts it, the bare Node reference client, curl and `node -e 0`.
// Every Node child gets bench/clients/peak-rss.mjs preloaded (NODE_OPTIONS=--import), which
// records its peak RSS at exit; the action itself is started exactly as the runner does.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { makeJobDirs, runAction, type ActionRun, type JobDirs } from '../../scripts/run-action.js'
import { API_KEY } from './package.js'

const CLIENTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'clients')
const PEAK_RSS_HOOK = pathToFileURL(path.join(CLIENTS, 'peak-rss.mjs')).href
const NODE_CLIENT = path.join(CLIENTS, 'node-download.mjs')

/** Where peak RSS figures came from (VmHWM on Linux), for the report. */
export const rssSources = new Set<string>()

export interface Measured {
  wallMs: number
  /** KiB; NaN for a child that is not Node (curl). */
  peakRssKiB: number
}

export interface ChildRun extends Measured {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Scratch folders of one bench run, under one temporary root removed at the end. */
export class Scratch {
  private counter = 0

  constructor(readonly root: string) {}

  /** A new empty folder `<root>/<prefix>-<n>`. */
  folder(prefix: string): string {
    const dir = path.join(this.root, `${prefix}-${++this.counter}`)
    mkdirSync(dir, { recursive: true })
    return dir
  }

  remove(dir: string): void {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Makes the conditions of the next timed command the same as every other's: flushes what earlier
 * commands wrote (their files are already removed), so that no command pays for another's
 * writeback. The data a command writes stays in the page cache while it is timed, as on a runner.
 */
export function settle(): void {
  spawnSync('sync', { stdio: 'ignore' })
}

function peakRssEnv(file: string): Record<string, string> {
  return { NODE_OPTIONS: `--import=${PEAK_RSS_HOOK}`, BENCH_PEAK_RSS_FILE: file }
}

function readPeakRss(file: string): number {
  if (!existsSync(file)) return Number.NaN
  const [kib, source] = readFileSync(file, 'utf8').split(' ')
  rmSync(file, { force: true })
  rssSources.add(source)
  return Number(kib)
}

function timeChild(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number }
): Promise<Omit<ChildRun, 'peakRssKiB'>> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: options.cwd, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10 * 60_000)
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, wallMs: performance.now() - started })
    })
  })
}

/** `curl -o <file>` with the key header; curl is a reference only, not Node: no peak RSS. */
export async function runCurl(url: string, file: string, cwd: string): Promise<ChildRun> {
  const args = ['-sS', '--fail', '-o', file, '-H', `Ocp-Apim-Subscription-Key: ${API_KEY}`, url]
  const run = await timeChild('curl', args, { cwd, env: {} })
  if (run.code !== 0) throw new Error(`curl failed (exit code ${run.code}): ${run.stderr}`)
  return { ...run, peakRssKiB: Number.NaN }
}

export type NodeClientMode = 'pipeline' | 'pipeline-sha256' | 'write-sync' | 'discard'

export interface NodeClientRun extends ChildRun {
  bytes: number
  sha256?: string
}

/** bench/clients/node-download.mjs in one of its modes. */
export async function runNodeClient(
  mode: NodeClientMode,
  url: string,
  file: string,
  cwd: string
): Promise<NodeClientRun> {
  const rssFile = path.join(cwd, 'peak-rss')
  const run = await timeChild(process.execPath, [NODE_CLIENT, mode, url, file], {
    cwd,
    env: { BENCH_API_KEY: API_KEY, ...peakRssEnv(rssFile) }
  })
  if (run.code !== 0) throw new Error(`node ${mode} failed (exit code ${run.code}): ${run.stderr}`)
  const result = JSON.parse(run.stdout) as { bytes: number; sha256?: string }
  return { ...run, ...result, peakRssKiB: readPeakRss(rssFile) }
}

/** A Node script of bench/clients/, with its peak RSS; it must exit 0. */
export async function runNodeScript(
  script: string,
  args: string[],
  cwd: string
): Promise<ChildRun> {
  const rssFile = path.join(cwd, 'peak-rss')
  const run = await timeChild(process.execPath, [path.join(CLIENTS, script), ...args], {
    cwd,
    env: peakRssEnv(rssFile)
  })
  if (run.code !== 0)
    throw new Error(`node ${script} failed (exit code ${run.code}): ${run.stderr}`)
  return { ...run, peakRssKiB: readPeakRss(rssFile) }
}

/** `node -e 0`: Node starting and exiting, the floor under every Node process. */
export async function runNodeEmpty(cwd: string): Promise<ChildRun> {
  const rssFile = path.join(cwd, 'peak-rss')
  const run = await timeChild(process.execPath, ['-e', '0'], { cwd, env: peakRssEnv(rssFile) })
  if (run.code !== 0) throw new Error(`node -e 0 failed: ${run.stderr}`)
  return { ...run, peakRssKiB: readPeakRss(rssFile) }
}

export interface BundleRun extends Measured {
  run: ActionRun
  dirs: JobDirs
}

/**
 * The committed bundle run as the runner runs it (scripts/run-action.ts), in a fresh workspace
 * under `jobRoot`; give `toolCache` to share a tool cache between runs.
 */
export async function runBundle(
  inputs: Record<string, string>,
  jobRoot: string,
  toolCache = path.join(jobRoot, 'tool-cache'),
  action = 'dataminer'
): Promise<BundleRun> {
  const dirs = makeJobDirs(jobRoot, 'job', toolCache)
  const rssFile = path.join(jobRoot, 'peak-rss')
  const run = await runAction(inputs, {
    action,
    dirs,
    env: peakRssEnv(rssFile),
    timeoutMs: 10 * 60_000
  })
  return { run, dirs, wallMs: run.wallMs, peakRssKiB: readPeakRss(rssFile) }
}
