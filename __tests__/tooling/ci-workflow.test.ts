// The CI workflow's "Start the Catalog emulator" step, run with bash as the runner runs it, with a
// stand-in `npm` first on PATH: it waits for the emulator's own "listening on" line, not for the
// port in npm's echo of the command line, and fails clearly when the line never comes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'

interface Step {
  name?: string
  run?: string
}
const workflow = parse(
  readFileSync(new URL('../../.github/workflows/ci.yml', import.meta.url), 'utf8')
) as { jobs: Record<string, { steps: Step[] }> }
const script = workflow.jobs.action.steps.find(step => step.name === 'Start the Catalog emulator')
  ?.run as string

// What `npm run emulator -- --port 8080 ...` prints, in three versions of events. Once it has
// printed what it prints, it leaves a marker.
const FAKE_NPM = `#!/usr/bin/env bash
echo '> dataminer-catalog-action@1.0.0 emulator'
echo "> tsx emulator/cli.ts $*"
case "$FAKE_EMULATOR" in
  listens)
    echo 'DataMiner Catalog emulator (Key Catalog API v2.0) listening on http://127.0.0.1:8080'
    touch "$FAKE_PRINTED"; exec "$REAL_SLEEP" 30 ;;
  silent) touch "$FAKE_PRINTED"; exec "$REAL_SLEEP" 30 ;;
  dies)
    echo 'Could not start the emulator on 127.0.0.1:8080: listen EADDRINUSE' >&2
    touch "$FAKE_PRINTED"; exit 1 ;;
esac
`

// The step's own \`sleep 1\` between looks: it returns only once the fake npm has printed, so
// each second the step counts starts after npm's output, however slowly a loaded machine runs
// the two (without it, the step could give up before a slow npm had even echoed its command).
const FAKE_SLEEP = `#!/usr/bin/env bash
until [ -e "$FAKE_PRINTED" ]; do "$REAL_SLEEP" 0.01; done
exec "$REAL_SLEEP" "$@"
`
const REAL_SLEEP = execFileSync('bash', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim()

let dir: string

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ci-emulator-step-'))
  for (const [name, script] of [
    ['npm', FAKE_NPM],
    ['sleep', FAKE_SLEEP]
  ]) {
    writeFileSync(path.join(dir, name), script)
    chmodSync(path.join(dir, name), 0o755)
  }
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the step; then ends what it left running in the background, as the runner does. */
async function runStep(fake: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', ['-e', '-c', script], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PATH: `${dir}${path.delimiter}${process.env.PATH}`,
      FAKE_EMULATOR: fake,
      FAKE_PRINTED: path.join(dir, `printed-${fake}`),
      REAL_SLEEP,
      EMULATOR_WAIT_SECONDS: '2'
    }
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const [code] = (await once(child, 'close')) as [number | null]
  try {
    process.kill(-(child.pid as number), 'SIGKILL')
  } catch {
    // the group is gone already
  }
  return { code, output }
}

const onPosix = process.platform === 'win32' ? describe.skip : describe

onPosix('the CI step that starts the emulator', () => {
  it('goes on once the emulator prints that it is listening', async () => {
    const { code, output } = await runStep('listens')
    expect(code).toBe(0)
    expect(output).toContain('listening on http://127.0.0.1:8080')
    expect(output).not.toContain('::error::')
  })

  it("fails when only npm's echo of the command names the port", async () => {
    const { code, output } = await runStep('silent')
    expect(code).toBe(1)
    expect(output).toContain('--port 8080') // npm's echo was there
    expect(output).toContain(
      "::error::The Catalog emulator did not print 'listening on http://127.0.0.1:8080' within 2 s"
    )
  })

  it('fails at once, showing why, when the emulator exits', async () => {
    const { code, output } = await runStep('dies')
    expect(code).toBe(1)
    expect(output).toContain('listen EADDRINUSE')
    expect(output).toContain(
      "::error::The Catalog emulator exited before printing 'listening on http://127.0.0.1:8080'"
    )
  })
})
