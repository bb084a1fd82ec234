// Runs the committed bundle (dist/index.js) as a separate process, the way the runner does:
// every input as INPUT_* (action.yml defaults for the ones not given), the GITHUB_* and RUNNER_*
// files and folders, and nothing else from this process's environment.
import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BUNDLE = path.join(ROOT, 'dist', 'index.js')

interface ActionYaml {
  inputs: Record<string, { default?: string }>
}

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYaml

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
  options: { dirs?: RunnerDirs; env?: Record<string, string>; timeoutMs?: number } = {}
): Promise<BundleRun> {
  const dirs = options.dirs ?? makeRunnerDirs()
  const outputFile = path.join(dirs.root, `output-${Date.now()}-${Math.random()}`)
  const summaryFile = path.join(dirs.root, `summary-${Date.now()}-${Math.random()}`)
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')

  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: dirs.root,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dirs.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache,
    ...options.env
  }
  for (const [name, spec] of Object.entries(action.inputs)) {
    env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? spec.default ?? ''
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in action.inputs))
      throw new Error(`runBundle: ${name} is not an input of action.yml`)
  }

  const child = spawn(process.execPath, [BUNDLE], {
    cwd: dirs.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000)
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  clearTimeout(timer)

  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    dirs,
    errors: (stdout + stderr)
      .split('\n')
      .filter(line => line.startsWith('::error::'))
      .map(line => decodeCommand(line.slice('::error::'.length)))
  }
}

/** Reads the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i])
    outputs[match[1]] = value.join('\n')
  }
  return outputs
}

function decodeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
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
