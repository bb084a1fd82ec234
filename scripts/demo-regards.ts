// The REGARDS part of `npm run demo`: the committed dist/regards/index.js, twice, against the
// REGARDS emulator: the products of a search, a nearline file restored, every file verified
// against the catalog's checksum; then a later job served from the tool cache with no download.
import path from 'node:path'
import {
  DEMO_TENANT,
  PRODUCTS,
  SEED_PRODUCTS,
  SEED_USERS,
  startRegardsEmulator,
  USERS,
  type RegardsEmulator,
  type RegardsRequest
} from '../emulator/regards/index.js'
import {
  heading,
  makeLogPrinter,
  print,
  printFolder,
  printInputs,
  printOutputs,
  printSummary,
  say,
  seconds,
  subheading
} from './demo-print.js'
import { makeJobDirs, runAction, type ActionRun, type JobDirs } from './run-action.js'

const RESTORE_SECONDS = 2
const RUN_TIMEOUT_MS = 60_000
const QUERY = 'providerId:DATA-06*'
const account = SEED_USERS.find(user => user.email === USERS.exploit)

function describeRequest(request: RegardsRequest): string {
  const where = request.host === 'second' ? ' (second host)' : ''
  return `${request.method} ${request.route}${where} → ${request.status}`
}

function printRequests(requests: RegardsRequest[]): void {
  if (requests.length === 0) print('    none')
  requests.forEach((request, index) => print(`    ${index + 1}. ${describeRequest(request)}`))
}

async function runStep(
  emulator: RegardsEmulator,
  inputs: Record<string, string>,
  dirs: JobDirs
): Promise<{ run: ActionRun; requests: RegardsRequest[] }> {
  const before = emulator.requests.length
  subheading('Action log (stdout; ::debug:: and ::add-mask:: lines hidden):')
  const run = await runAction(inputs, {
    action: 'regards',
    dirs,
    onLine: makeLogPrinter(),
    timeoutMs: RUN_TIMEOUT_MS
  })
  const signal = run.signal ? `, killed by ${run.signal}` : ''
  print(`    [exit code ${run.code}${signal} after ${seconds(run.wallMs)}]`)
  return { run, requests: emulator.requests.slice(before) }
}

function check(step: string, run: ActionRun, problems: string[]): void {
  if (run.timedOut) problems.push(`${step}: the action did not finish within ${RUN_TIMEOUT_MS} ms`)
  else if (run.code !== 0) problems.push(`${step}: the action exited with code ${run.code}, not 0`)
  if (run.stderr.trim()) problems.push(`${step}: the action wrote to stderr: ${run.stderr.trim()}`)
}

/** Steps `first` and `first + 1` of the demo; what went wrong goes into `problems`. */
export async function regardsWalkThrough(
  root: string,
  first: number,
  total: number,
  problems: string[]
): Promise<void> {
  const emulator = await startRegardsEmulator({ restoreDelayMs: RESTORE_SECONDS * 1000 })
  try {
    const nearline = SEED_PRODUCTS.find(product => product.id === PRODUCTS.nearline)
    print()
    print(`  REGARDS emulator: ${emulator.url} (project ${DEMO_TENANT})`)
    print(`  Account:          ${USERS.exploit} (EXPLOIT role: may restore nearline files)`)
    print(
      `  Nearline file:    ${nearline?.files[0].filename} of ${nearline?.providerId}, ` +
        `available ${RESTORE_SECONDS} s after a restore`
    )
    const toolCache = path.join(root, 'regards-tool-cache')
    const inputs = {
      url: emulator.url,
      tenant: DEMO_TENANT,
      username: USERS.exploit,
      password: account?.password ?? '',
      query: QUERY,
      restore: 'true',
      path: 'products'
    }
    const comments = { password: "the emulator's demo account; in a workflow, a secret" }

    heading(`Step ${first} of ${total}: REGARDS, the RAWDATA files of a search`)
    say(
      `The action signs in, searches the catalog for ${QUERY}, and takes each product's RAWDATA ` +
        'file. One of them is nearline: the action asks REGARDS to restore it, polls until it is ' +
        'available, then downloads it. Every file is checked against the size and MD5 the catalog ' +
        'gives, and kept in the tool cache under its checksum.',
      '  '
    )
    print()
    printInputs(inputs, comments, './regards  # the committed dist/regards/index.js')
    const job1 = makeJobDirs(root, 'regards-job-1', toolCache)
    const step1 = await runStep(emulator, inputs, job1)
    subheading('Outputs:')
    printOutputs(step1.run.outputs)
    subheading('Workspace:')
    printFolder(job1.workspace)
    subheading('Step summary (GITHUB_STEP_SUMMARY, as text):')
    printSummary(step1.run.summary)
    subheading('Requests the emulator received:')
    printRequests(step1.requests)
    check(`Step ${first}`, step1.run, problems)

    heading(`Step ${first + 1} of ${total}: the same files in a later job, from the tool cache`)
    say(
      'A new job on the same runner: a fresh workspace, the same tool cache. The search is asked ' +
        'again (the products may have changed), but every file it selects is already in the cache ' +
        'under its checksum: no download request, and no unit of the download quota spent.',
      '  '
    )
    print()
    printInputs(inputs, comments, './regards  # the committed dist/regards/index.js')
    const job2 = makeJobDirs(root, 'regards-job-2', toolCache)
    const step2 = await runStep(emulator, inputs, job2)
    subheading('Outputs:')
    printOutputs(step2.run.outputs)
    subheading('Requests the emulator received:')
    printRequests(step2.requests)
    check(`Step ${first + 1}`, step2.run, problems)
    const downloads = step2.requests.filter(request => request.route === 'download').length
    if (downloads !== 0) {
      problems.push(`Step ${first + 1}: ${downloads} download request(s), none expected`)
    }
    if (step2.run.outputs['cache-hits'] !== step2.run.outputs['count']) {
      problems.push(`Step ${first + 1}: not every file came from the tool cache`)
    }
  } finally {
    await emulator.close()
  }
}
