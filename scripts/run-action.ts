// Runs a bundle of an action (one of scripts/actions.ts, the DataMiner Catalog action unless told)
// as a child process the way the GitHub runner does: every input as INPUT_<NAME> (its action.yml's
// defaults for the ones not given), GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, RUNNER_TEMP, RUNNER_TOOL_CACHE and GITHUB_WORKSPACE, and nothing
// else from this process's environment (but for coverage collection, see below). By default the
// committed bundle (dist/index.js): `npm run demo` and `npm run bench` run that one, which also
// use the log line by line as it arrives, the wall time, and running the bundle through a
// wrapper script (the bench measures the child's peak RSS that way). The process-level tests
// (through __tests__/helpers/run-bundle.ts) run TEST_BUNDLE, built from the current src/ by
// jest's globalSetup (__tests__/helpers/build-test-bundle.ts).
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { actionNamed, type ActionEntry } from './actions.js'
import { ROOT } from './root.js'
import { findWine, NODE_EXE, toWindowsPath } from './wine.js'

export { ROOT }
const DEFAULT_ACTION = 'dataminer'

/** The committed bundle of an action. */
export function bundleOf(name: string): string {
  return path.join(ROOT, actionNamed(name).dist, 'index.js')
}

/** The bundle of the current src/ that the process-level tests run (built per test run). */
export function testBundleOf(name: string): string {
  return path.join(ROOT, '.tmp', 'test-bundle', name, 'index.js')
}

export const BUNDLE = bundleOf(DEFAULT_ACTION)
export const TEST_BUNDLE = testBundleOf(DEFAULT_ACTION)

/** The bundle is committed, but a fresh clone with local edits may need `npm run bundle`. */
export function bundleExists(): boolean {
  return existsSync(BUNDLE)
}

interface ActionYaml {
  inputs: Record<string, { default?: string }>
}

const inputSpecs = new Map<string, ActionYaml['inputs']>()

function actionInputs(action: ActionEntry): ActionYaml['inputs'] {
  let specs = inputSpecs.get(action.actionYml)
  if (!specs) {
    specs = (parse(readFileSync(path.join(ROOT, action.actionYml), 'utf8')) as ActionYaml).inputs
    inputSpecs.set(action.actionYml, specs)
  }
  return specs
}

/** The folders of one simulated job. Give two runs the same toolCache to share the cache. */
export interface JobDirs {
  workspace: string
  temp: string
  toolCache: string
}

/** Creates `<root>/<name>/workspace` and `<root>/<name>/runner-temp`, and the tool cache. */
export function makeJobDirs(root: string, name: string, toolCache: string): JobDirs {
  const dirs = {
    workspace: path.join(root, name, 'workspace'),
    temp: path.join(root, name, 'runner-temp'),
    toolCache
  }
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true })
  return dirs
}

export interface RunOptions {
  dirs: JobDirs
  /** The action of scripts/actions.ts whose inputs to give; default the DataMiner Catalog one. */
  action?: string
  /** Extra environment variables for the child. */
  env?: Record<string, string>
  /** The bundle to run; default the action's committed one. */
  bundle?: string
  /** Run this script instead of the bundle (it must load the bundle itself). */
  entry?: string
  /** Called with every stdout line as soon as it arrives. */
  onLine?: (line: string) => void
  /** Default 60 s; the child is killed after that. */
  timeoutMs?: number
  /** Called once the child is started, e.g. to send it a signal as the runner does on cancel. */
  onSpawn?: (child: ChildProcess) => void
  /**
   * `windows`: Windows' own Node under Wine (scripts/wine.ts), with the runner's paths in Windows
   * form; the log is read once the child ends (Node under Wine cannot write to a pipe), so onLine
   * is not available there.
   */
  runtime?: 'host' | 'windows'
}

export interface ActionRun {
  code: number | null
  /** Set when the child was killed by a signal (a timeout included). */
  signal: NodeJS.Signals | null
  timedOut: boolean
  stdout: string
  stderr: string
  outputs: Record<string, string>
  /** The step summary as written (HTML). */
  summary: string
  wallMs: number
}

let runCounter = 0

export async function runAction(
  inputs: Record<string, string>,
  options: RunOptions
): Promise<ActionRun> {
  const action = actionNamed(options.action ?? DEFAULT_ACTION)
  const specs = actionInputs(action)
  for (const name of Object.keys(inputs)) {
    if (!Object.hasOwn(specs, name)) throw new Error(`runAction: ${name} is not an input`)
  }

  const { dirs } = options
  runCounter++
  const outputFile = path.join(dirs.temp, `github-output-${runCounter}`)
  const summaryFile = path.join(dirs.temp, `step-summary-${runCounter}`)
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')

  const windows = options.runtime === 'windows'
  const runnerPath = windows ? toWindowsPath : (hostPath: string) => hostPath
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: dirs.temp,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: runnerPath(dirs.workspace),
    GITHUB_OUTPUT: runnerPath(outputFile),
    GITHUB_STEP_SUMMARY: runnerPath(summaryFile),
    RUNNER_TEMP: runnerPath(dirs.temp),
    RUNNER_TOOL_CACHE: runnerPath(dirs.toolCache),
    ...childCoverage(),
    ...options.env
  }
  for (const [name, spec] of Object.entries(specs)) {
    env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? spec.default ?? ''
  }

  const script = options.entry ?? options.bundle ?? bundleOf(action.name)
  const started = performance.now()
  const launched = windows
    ? launchUnderWine(script, env, dirs)
    : spawn(process.execPath, [script], {
        cwd: dirs.workspace,
        env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
  const child = 'child' in launched ? launched.child : launched
  let stdout = ''
  let stderr = ''
  let pending = ''
  child.stdout?.setEncoding('utf8')
  child.stderr?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk
    if (!options.onLine) return
    pending += chunk
    const lines = pending.split(/\r?\n/)
    pending = lines.pop() ?? ''
    for (const line of lines) options.onLine(line)
  })
  child.stderr?.on('data', (chunk: string) => (stderr += chunk))
  options.onSpawn?.(child)

  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, options.timeoutMs ?? 60_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolve, reject) => {
      child.on('error', reject)
      child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]))
    }
  ).finally(() => clearTimeout(timer))
  const wallMs = performance.now() - started
  if ('child' in launched) ({ stdout, stderr } = launched.readLog())
  if (options.onLine && pending !== '') options.onLine(pending)

  return {
    code,
    signal,
    timedOut,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    wallMs
  }
}

/** Windows' Node under Wine, its log written to files in the job's temp folder. */
function launchUnderWine(
  script: string,
  env: Record<string, string>,
  dirs: JobDirs
): { child: ChildProcess; readLog: () => { stdout: string; stderr: string } } {
  const wine = findWine()
  if ('missing' in wine) throw new Error(`The Windows lane cannot run: ${wine.missing}.`)
  const logs = [`stdout-${runCounter}`, `stderr-${runCounter}`].map(name =>
    path.join(dirs.temp, name)
  )
  const fds = logs.map(file => openSync(file, 'w'))
  try {
    const child = spawn(wine.wine, [NODE_EXE, toWindowsPath(script)], {
      cwd: dirs.workspace,
      // The runner's variables and the inputs, plus what Wine itself needs.
      env: { ...env, ...wine.env },
      stdio: ['ignore', fds[0], fds[1]]
    })
    const readLog = () => {
      const [stdout, stderr] = logs.map(file => readFileSync(file, 'utf8'))
      return { stdout, stderr }
    }
    return { child, readLog }
  } finally {
    for (const fd of fds) closeSync(fd)
  }
}

/**
 * V8 coverage for the child: CHILD_V8_COVERAGE names a folder for the children only (`npm run
 * coverage`, where jest measures its own process itself); NODE_V8_COVERAGE, when this process
 * runs under c8 or the like, is passed on as it is.
 */
function childCoverage(): Record<string, string> {
  const folder = process.env['CHILD_V8_COVERAGE'] || process.env['NODE_V8_COVERAGE']
  return folder ? { NODE_V8_COVERAGE: folder } : {}
}

/** Reads the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i])
    outputs[match[1]] = value.join('\n')
  }
  return outputs
}

/** Undoes the escaping of a workflow command's message (%25, %0D, %0A). */
export function decodeCommandMessage(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}
