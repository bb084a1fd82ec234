// run() in-process, with a fake clock shared by the action and the emulator's rate limiter: a
// download that meets an empty bucket with no Retry-After waits one 36 s refill, without a
// second of real waiting.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { FakeClock } from '../../__fixtures__/fake-clock.js'
import { SEED, startEmulator, type CatalogEmulator } from '../../emulator/index.js'
import { run } from '../../src/dataminer/run.js'
import { parseOutputs } from '../../scripts/run-action.js'

const clock = new FakeClock(Date.now())
let emulator: CatalogEmulator
let root: string
const saved = { ...process.env }
let written: string[] = []

beforeAll(async () => {
  emulator = await startEmulator({
    rateLimit: { burst: 1, refillSeconds: 36, retryAfter: 'none', waitInBody: false },
    now: () => clock.now()
  })
})
afterAll(async () => {
  await emulator.close()
})
afterEach(() => {
  process.env = { ...saved }
  process.exitCode = undefined
  jest.restoreAllMocks()
  rmSync(root, { recursive: true, force: true })
})

function setUp(inputs: Record<string, string>): { output: string; summary: string } {
  root = mkdtempSync(path.join(os.tmpdir(), 'run-'))
  const output = path.join(root, 'output')
  const summary = path.join(root, 'summary')
  writeFileSync(output, '')
  writeFileSync(summary, '')
  Object.assign(process.env, {
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: root,
    RUNNER_TOOL_CACHE: path.join(root, 'tool-cache')
  })
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value
  written = []
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
  return { output, summary }
}

describe('run() with an injected clock', () => {
  it('waits one refill on a rejection that names no wait, then downloads', async () => {
    const files = setUp({
      'api-key': 'demo-full-key',
      'catalog-id': SEED.appItemId,
      version: 'latest',
      'base-url': emulator.url
    })
    const outcome = await run({ clock })
    expect(outcome).toEqual({ cancelled: false })
    expect(process.exitCode).toBeUndefined()
    // versions spends the only token; the download is rejected, waits, and gets the next one.
    // (A rejected request's route is not recorded: the rate limit answers before routing.)
    const tail = (requestPath: string) => requestPath.split('/').pop()
    expect(emulator.requests.map(request => [tail(request.path), request.status])).toEqual([
      ['versions', 200],
      ['download', 429],
      ['download', 200]
    ])
    expect(clock.sleeps).toEqual([36_900])
    const outputs = parseOutputs(readFileSync(files.output, 'utf8'))
    expect(outputs).toMatchObject({ attempts: '3', 'waited-seconds': '37', 'cache-hit': 'false' })
    expect(readFileSync(outputs.path).length).toBe(Number(outputs.size))
    expect(written.join('')).toContain('Waiting 37 s (one refill of the rate limit, 36 s)')
    expect(readFileSync(files.summary, 'utf8')).toContain('<h2>DataMiner Catalog download</h2>')
  })

  it('reports bad inputs once, with no request, and writes their summary', async () => {
    const files = setUp({ 'api-key': 'demo-full-key', 'catalog-id': 'x', version: '1' })
    emulator.reset()
    await run({ clock })
    expect(process.exitCode).toBe(1)
    expect(written.filter(line => line.startsWith('::error::'))).toHaveLength(1)
    expect(emulator.requests).toHaveLength(0)
    expect(readFileSync(files.summary, 'utf8')).toContain('the inputs are not valid')
  })
})
