// Runs the bundle of the current src/ (.tmp/test-bundle/index.js, built by jest's globalSetup)
// as a separate process, the way the runner does, through the same runner simulation the demo
// and the benchmark use (scripts/run-action.ts) on the committed dist/.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { decodeCommandMessage, runAction, testBundleOf } from '../../scripts/run-action.js'

export interface RunnerDirs {
  root: string
  workspace: string
  temp: string
  toolCache: string
}

/** Fresh folders for one simulated job; pass the same ones to two runs to share a tool cache. */
export function makeRunnerDirs(): RunnerDirs {
  const root = mkdtempSync(path.join(os.tmpdir(), 'catalog-action-'))
  const dirs = {
    root,
    workspace: path.join(root, 'workspace'),
    temp: path.join(root, 'runner-temp'),
    toolCache: path.join(root, 'tool-cache')
  }
  for (const dir of [dirs.workspace, dirs.temp, dirs.toolCache]) mkdirSync(dir, { recursive: true })
  return dirs
}

export function removeRunnerDirs(dirs: RunnerDirs): void {
  rmSync(dirs.root, { recursive: true, force: true })
}

export interface BundleRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  dirs: RunnerDirs
  /** The `::error::` lines, decoded. */
  errors: string[]
}

export async function runBundle(
  inputs: Record<string, string>,
  options: {
    dirs?: RunnerDirs
    env?: Record<string, string>
    timeoutMs?: number
    onSpawn?: (child: ChildProcess) => void
    onLine?: (line: string) => void
    /** `windows`: Windows' Node under Wine (the Windows lane, scripts/wine.ts). */
    runtime?: 'host' | 'windows'
    /** The action of scripts/actions.json to run; default the DataMiner Catalog action. */
    action?: string
  } = {}
): Promise<BundleRun> {
  const dirs = options.dirs ?? makeRunnerDirs()
  const run = await runAction(inputs, {
    action: options.action,
    bundle: testBundleOf(options.action ?? 'dataminer'),
    dirs,
    env: options.env,
    timeoutMs: options.timeoutMs ?? 25_000,
    onSpawn: options.onSpawn,
    onLine: options.onLine,
    runtime: options.runtime
  })
  return {
    code: run.code,
    signal: run.signal,
    stdout: run.stdout,
    stderr: run.stderr,
    outputs: run.outputs,
    summary: run.summary,
    dirs,
    errors: (run.stdout + run.stderr)
      .split(/\r?\n/)
      .filter(line => line.startsWith('::error::'))
      .map(line => decodeCommandMessage(line.slice('::error::'.length)))
  }
}

/** Everything a run wrote that a person or a later step could read, for leak checks. */
export function everythingWritten(run: BundleRun): string {
  return [run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary].join('\n')
}

/** Files under a folder, relative, sorted (hidden ones included). */
export function listFiles(dir: string): string[] {
  const found: string[] = []
  const walk = (current: string, prefix: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(path.join(current, entry.name), relative)
      else found.push(relative)
    }
  }
  try {
    walk(dir, '')
  } catch {
    return []
  }
  return found.sort()
}
