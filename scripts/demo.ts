// `npm run demo`: runs the committed bundle three times, as the GitHub runner would, against the
// built-in Catalog emulator (no key, no network) and explains what it did. Exits 1 when a run
// did not end with success.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  DEMO_SYSTEMS,
  SEED,
  SEED_ITEMS,
  startEmulator,
  type CatalogEmulator,
  type RecordedRequest
} from '../emulator/index.js'
import {
  heading,
  makeLogPrinter,
  print,
  printFolder,
  printInputs,
  printOutputs,
  printSummary,
  printWorkspace,
  say,
  seconds,
  subheading
} from './demo-print.js'
import { regardsWalkThrough } from './demo-regards.js'
import {
  BUNDLE,
  bundleExists,
  bundleOf,
  makeJobDirs,
  runAction,
  type ActionRun,
  type JobDirs
} from './run-action.js'

const KEY = 'demo-full-key'
const RATE_LIMIT = { burst: 1, refillSeconds: 3 }
const RUN_TIMEOUT_MS = 30_000
/** Three runs of the DataMiner Catalog action, then two of the REGARDS action. */
const STEPS = 5

const appItem = SEED_ITEMS.find(item => item.id === SEED.appItemId)
const deployTargets = [SEED.systemIds[0], SEED.systemIds[1]]

// The tests are the oracle of what the action does; the demo only tells a step that did not end
// with success, so that CI notices a bundle that no longer runs.
const problems: string[] = []

// ---------------------------------------------------------------------------------------------
// Emulator requests

function routeOf(request: RecordedRequest): string {
  if (request.route !== 'unknown') return request.route
  const match = /\/(versions|download|deploy)$/.exec(request.path)
  return match ? match[1] : request.path
}

function describeRequest(request: RecordedRequest): string {
  const target = routeOf(request) === 'deploy' ? ` (system ${request.query['coordinationId']})` : ''
  const status = request.status === 429 ? '429, rejected by the rate limit' : String(request.status)
  return `${request.method} ${routeOf(request)}${target} → ${status}`
}

function printRequests(requests: RecordedRequest[]): void {
  if (requests.length === 0) {
    print('    none')
    return
  }
  requests.forEach((request, index) => print(`    ${index + 1}. ${describeRequest(request)}`))
}

// ---------------------------------------------------------------------------------------------
// Helpers

function checkExit(step: string, run: ActionRun): void {
  if (run.timedOut) problems.push(`${step}: the action did not finish within ${RUN_TIMEOUT_MS} ms`)
  else if (run.code !== 0) problems.push(`${step}: the action exited with code ${run.code}, not 0`)
  if (run.stderr.trim()) problems.push(`${step}: the action wrote to stderr: ${run.stderr.trim()}`)
}

async function runStep(
  emulator: CatalogEmulator,
  inputs: Record<string, string>,
  dirs: JobDirs
): Promise<{ run: ActionRun; requests: RecordedRequest[] }> {
  const before = emulator.requests.length
  subheading('Action log (stdout; ::debug:: and ::add-mask:: lines hidden):')
  const run = await runAction(inputs, {
    dirs,
    onLine: makeLogPrinter(),
    timeoutMs: RUN_TIMEOUT_MS
  })
  const signal = run.signal ? `, killed by ${run.signal}` : ''
  print(`    [exit code ${run.code}${signal} after ${seconds(run.wallMs)}]`)
  if (run.stderr.trim()) {
    print('    stderr:')
    for (const line of run.stderr.trimEnd().split('\n')) print(`      ${line}`)
  }
  return { run, requests: emulator.requests.slice(before) }
}

// ---------------------------------------------------------------------------------------------
// The walk-through

async function walkThrough(emulator: CatalogEmulator, root: string): Promise<void> {
  const toolCache = path.join(root, 'tool-cache')
  const common = { 'api-key': KEY, 'catalog-id': SEED.appItemId }
  const keyComment = { 'api-key': 'a key the emulator knows; in a workflow, a secret' }

  // Step 1 ---------------------------------------------------------------------------------
  heading(`Step 1 of ${STEPS}: download the latest version`)
  say(
    'The action first asks the API which versions exist (that spends the only token of the ' +
      'rate limit), then downloads the highest one. The download is rejected with 429 and a ' +
      'Retry-After header; the action waits as told and tries again.',
    '  '
  )
  print()
  const step1Inputs = {
    ...common,
    version: 'latest',
    extract: 'true',
    'base-url': emulator.url
  }
  printInputs(step1Inputs, keyComment)
  const job1 = makeJobDirs(root, 'job-1', toolCache)
  const step1 = await runStep(emulator, step1Inputs, job1)
  const out1 = step1.run.outputs

  subheading('Outputs:')
  printOutputs(out1)
  subheading('Workspace:')
  printWorkspace(job1.workspace)
  if (out1['extracted-path']) {
    subheading(`Unpacked folder (${path.basename(out1['extracted-path'])}/):`)
    printFolder(out1['extracted-path'])
  }
  subheading('Tool cache (kept by the runner between jobs):')
  printFolder(toolCache)
  subheading('Step summary (GITHUB_STEP_SUMMARY, as text):')
  printSummary(step1.run.summary)
  subheading('Requests the emulator received:')
  printRequests(step1.requests)

  checkExit('Step 1', step1.run)

  // Step 2 ---------------------------------------------------------------------------------
  const version = out1['version']
  heading(`Step 2 of ${STEPS}: the same download in a later job, from the tool cache`)
  say(
    `A new job on the same runner: a fresh workspace, the same tool cache. The version is ` +
      `pinned to ${version}, the one step 1 resolved: "latest" would have to ask the API for ` +
      `the version list again, while a pinned version that is in the cache needs no request.`,
    '  '
  )
  print()
  const step2Inputs = { ...common, version, extract: 'true', 'base-url': emulator.url }
  printInputs(step2Inputs, keyComment)
  const job2 = makeJobDirs(root, 'job-2', toolCache)
  const step2 = await runStep(emulator, step2Inputs, job2)
  const out2 = step2.run.outputs

  subheading('Outputs:')
  printOutputs(out2)
  subheading('Workspace:')
  printWorkspace(job2.workspace)
  subheading(`Requests the emulator received: ${step2.requests.length}`)
  printRequests(step2.requests)
  print(`    (the emulator has received ${emulator.requests.length} requests in all so far)`)

  checkExit('Step 2', step2.run)

  // Step 3 ---------------------------------------------------------------------------------
  heading(`Step 3 of ${STEPS}: deploy version ${version} to two DataMiner Systems`)
  const names = deployTargets.map(id => DEMO_SYSTEMS.find(system => system.id === id)?.name ?? id)
  say(
    `coordination-id names the systems (${names.join(' and ')}), so the action deploys ` +
      `instead of downloading: one request per system, each riding out the rate limit.`,
    '  '
  )
  print()
  const step3Inputs = {
    ...common,
    version,
    'coordination-id': deployTargets.join('\n'),
    'base-url': emulator.url
  }
  printInputs(step3Inputs, keyComment)
  const job3 = makeJobDirs(root, 'job-3', toolCache)
  const step3 = await runStep(emulator, step3Inputs, job3)
  const out3 = step3.run.outputs

  subheading('Outputs:')
  printOutputs(out3)
  subheading('Step summary (GITHUB_STEP_SUMMARY, as text):')
  printSummary(step3.run.summary)
  subheading('Requests the emulator received:')
  printRequests(step3.requests)

  checkExit('Step 3', step3.run)

  // Recap ----------------------------------------------------------------------------------
  heading('What happened (DataMiner Catalog)')
  const all = emulator.requests
  const rejected = all.filter(request => request.status === 429).length
  const waited = [out1, out2, out3].reduce(
    (sum, out) => sum + Number(out['waited-seconds'] ?? 0),
    0
  )
  const steps: [string, { run: ActionRun; requests: RecordedRequest[] }][] = [
    ['Step 1 (download latest)', step1],
    ['Step 2 (download again) ', step2],
    ['Step 3 (deploy to two)  ', step3]
  ]
  for (const [label, step] of steps) {
    const count = step.requests.length
    const limited = step.requests.filter(request => request.status === 429).length
    const wait = step.run.outputs['waited-seconds'] ?? '?'
    print(
      `    ${label}  ${count} request(s), ${limited} rejected with 429, ` +
        `waited ${wait} s, took ${seconds(step.run.wallMs)}`
    )
  }
  print()
  say(
    `The emulator received ${all.length} requests in all; ${rejected} were rejected by its rate ` +
      `limit (a burst of ${RATE_LIMIT.burst}, then one every ${RATE_LIMIT.refillSeconds} s) and ` +
      `each time the action waited as Retry-After said (${waited} s in total) and tried again. ` +
      `The second download came from the tool cache without a single request. Against the real ` +
      `API the burst is 100 requests per IP, then one every 36 s.`,
    '  '
  )
}

async function main(): Promise<number> {
  print('DataMiner Catalog and REGARDS actions: demo')
  print('===========================================')
  if (!bundleExists() || !existsSync(bundleOf('regards'))) {
    print()
    print(
      `The bundles ${path.relative(process.cwd(), BUNDLE)} and dist/regards/index.js must exist.`
    )
    print('Build them first with: npm run bundle')
    return 1
  }
  say(
    'This runs the committed bundles as child processes the way a GitHub runner does (inputs as ' +
      'INPUT_* variables, outputs and step summary written to files), against the emulators built ' +
      'into this repository: no key, no account and no network needed. First the DataMiner ' +
      'Catalog action (dist/index.js) three times, against a Catalog emulator with a tiny rate ' +
      'limit so the action meets a real rejection; then the REGARDS action ' +
      '(dist/regards/index.js) twice, against a REGARDS emulator.'
  )

  const started = performance.now()
  const root = mkdtempSync(path.join(os.tmpdir(), 'catalog-demo-'))
  const removeRoot = (): void => rmSync(root, { recursive: true, force: true })
  const onSignal = (): void => {
    removeRoot()
    process.exit(130)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  let emulator: CatalogEmulator | undefined
  try {
    emulator = await startEmulator({ rateLimit: RATE_LIMIT })
    print()
    print(`  Emulator:        ${emulator.url} (Key Catalog API v2.0)`)
    print(
      `  Rate limit:      a burst of ${RATE_LIMIT.burst} request, then one every ` +
        `${RATE_LIMIT.refillSeconds} s; rejected with 429 and Retry-After in seconds`
    )
    print(`  Catalog item:    ${appItem?.name} (${SEED.appItemId})`)
    print(`  Versions:        ${appItem?.versions.map(seed => seed.version).join(', ')}`)
    print(`  Runner folders:  ${root} (removed at the end)`)
    print(`  Node:            ${process.version} (${process.execPath}), for the bundle too`)
    await walkThrough(emulator, root)
    await regardsWalkThrough(root, 4, STEPS, problems)
  } catch (error) {
    problems.push(`The demo itself failed: ${error instanceof Error ? error.stack : String(error)}`)
  } finally {
    await emulator?.close()
    removeRoot()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }

  print()
  print(`  Removed ${root}. Total time: ${seconds(performance.now() - started)}.`)
  print()
  if (problems.length === 0) {
    print(`All ${STEPS} runs ended with success.`)
    return 0
  }
  print('Unexpected:')
  for (const problem of problems) say(`- ${problem}`, '  ')
  return 1
}

process.exitCode = await main()
