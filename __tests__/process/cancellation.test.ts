// A step cancelled by the runner (SIGINT, then SIGTERM) leaves nothing half-written in path or
// the tool cache, says once that it was cancelled, and exits non-zero without waiting for the
// stalled transfer or the rate-limit wait it was in.
import { beforeAll, describe, expect, it } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import { apiRequests, TEST_KEY, useEmulatorSuite } from '../helpers/emulator-fixture.js'
import { listFiles, runBundle, type RunnerDirs } from '../helpers/run-bundle.js'

const suite = useEmulatorSuite()
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'api-key': TEST_KEY,
    'catalog-id': SEED.appItemId,
    version: '1.0.0.9',
    'base-url': emulator.url,
    // Far longer than the test may take: only the signal can end these runs in time.
    'timeout-seconds': '600',
    'max-wait-seconds': '600',
    ...extra
  }
}

/** Sends `signals` to the child once a temporary file of the download exists in `dir`. */
function signalWhenPartialFileIn(dir: string, ...signals: NodeJS.Signals[]) {
  return (child: ChildProcess) => {
    const hasPartialFile = () => {
      try {
        return readdirSync(dir).some(name => name.endsWith('.partial'))
      } catch {
        return false // not created yet
      }
    }
    const poll = async () => {
      while (child.exitCode === null && !hasPartialFile()) await sleep(20)
      for (const signal of signals) child.kill(signal)
    }
    void poll()
  }
}

function expectCancelled(
  run: Awaited<ReturnType<typeof runBundle>>,
  signal: string,
  dirs: RunnerDirs
) {
  // Exited by itself (no signal death, no kill by the harness), non-zero, with one error.
  expect(run.signal).toBeNull()
  expect(run.code).toBe(1)
  expect(run.errors).toHaveLength(1)
  expect(run.errors[0]).toContain(`The step was cancelled (${signal})`)
  expect(listFiles(dirs.workspace)).toEqual([])
  expect(listFiles(dirs.toolCache)).toEqual([])
}

describe('cancellation (process level)', () => {
  it('removes the partial download on SIGINT in the middle of the body', async () => {
    emulator.script({ match: 'download', type: 'stall', afterBytes: 200 })
    const dirs = suite.newDirs()
    const run = await runBundle(inputs(), {
      dirs,
      onSpawn: signalWhenPartialFileIn(dirs.workspace, 'SIGINT')
    })
    expectCancelled(run, 'SIGINT', dirs)
    expect(run.stdout).toContain('SIGINT received: stopping')
  })

  it('removes the partial download from a subfolder of path on SIGINT then SIGTERM', async () => {
    emulator.script({ match: 'download', type: 'stall', afterBytes: 200 })
    const dirs = suite.newDirs()
    const run = await runBundle(inputs({ extract: 'true', path: 'out' }), {
      dirs,
      onSpawn: child => signalWhenPartialFileIn(`${dirs.workspace}/out`, 'SIGINT', 'SIGTERM')(child)
    })
    expect(run.signal).toBeNull()
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    // Two signals pending at once may be handled in either order.
    expect(run.errors[0]).toMatch(/The step was cancelled \((SIGINT|SIGTERM)\)/)
    expect(listFiles(dirs.workspace)).toEqual([])
    expect(listFiles(dirs.toolCache)).toEqual([])
  })

  it('stops waiting out the rate limit on SIGTERM', async () => {
    emulator.script({
      match: 'download',
      type: 'status',
      status: 429,
      headers: { 'Retry-After': '500' }
    })
    const dirs = suite.newDirs()
    const run = await runBundle(inputs(), {
      dirs,
      onSpawn: child => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('Waiting 8 min 20 s')) child.kill('SIGTERM')
        })
      }
    })
    expectCancelled(run, 'SIGTERM', dirs)
    expect(apiRequests(emulator)).toHaveLength(1)
  })

  it('stops a deploy waiting on the rate limit, without going on to the other systems', async () => {
    emulator.script({
      match: 'deploy',
      type: 'status',
      status: 429,
      headers: { 'Retry-After': '500' }
    })
    const dirs = suite.newDirs()
    const run = await runBundle(inputs({ 'coordination-id': SEED.systemIds.join(',') }), {
      dirs,
      onSpawn: child => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('Waiting 8 min 20 s')) child.kill('SIGINT')
        })
      }
    })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('The step was cancelled (SIGINT)')
    expect(apiRequests(emulator)).toHaveLength(1)
    expect(emulator.deployments).toHaveLength(0)
  })
})
