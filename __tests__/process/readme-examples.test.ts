// Every example in the README works as written: each step that uses the action runs, as the
// runner would run it, against the emulator (which knows the README's IDs), with the key a
// secret would hold. A `run:` step that an example uses to compute an input runs too.
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { parseOutputs, ROOT } from '../../scripts/run-action.js'
import { TEST_KEY, useEmulatorSuite } from '../helpers/emulator-fixture.js'
import { runBundle } from '../helpers/run-bundle.js'

interface Step {
  id?: string
  uses?: string
  run?: string
  with?: Record<string, string | number | boolean>
}

interface Example {
  title: string
  steps: Step[]
  matrix: Record<string, string[]>
}

const ACTION = /\/dataminer-catalog-action@/
// The tag an example on release tags is started by.
const TAG = 'v1.0.0.10'

/** The YAML blocks of the README that use the action, with the section each one is under. */
function examples(): Example[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const found: Example[] = []
  let title = ''
  for (const part of readme.split(/^```/m)) {
    const heading = [...part.matchAll(/^#+ (.*)$/gm)].pop()
    if (!part.startsWith('yaml\n')) {
      if (heading) title = heading[1]
      continue
    }
    const document = parse(part.slice('yaml\n'.length)) as unknown
    const jobs = (document as { jobs?: Record<string, unknown> })?.jobs
    const lists = jobs ? Object.values(jobs) : [{ steps: document }]
    for (const job of lists as {
      steps?: Step[]
      strategy?: { matrix?: Record<string, string[]> }
    }[]) {
      const steps = Array.isArray(job.steps) ? job.steps : []
      if (steps.some(step => ACTION.test(step.uses ?? ''))) {
        found.push({ title, steps, matrix: job.strategy?.matrix ?? {} })
      }
    }
  }
  return found
}

const suite = useEmulatorSuite({ rateLimit: false })

describe('the README examples (process level)', () => {
  const all = examples()

  it('finds the examples', () => {
    expect(all.length).toBeGreaterThanOrEqual(8)
  })

  it.each(all.map(example => [example.title, example] as const))('%s', async (_title, example) => {
    const dirs = suite.newDirs()
    const stepOutputs: Record<string, Record<string, string>> = {}
    const matrixRuns = Object.entries(example.matrix)[0]
    const combinations = matrixRuns
      ? matrixRuns[1].map(value => ({ [matrixRuns[0]]: value }))
      : [{}]
    for (const matrix of combinations) {
      for (const step of example.steps) {
        if (step.run && step.id) stepOutputs[step.id] = runShellStep(step.run, dirs.temp)
        if (!ACTION.test(step.uses ?? '')) continue
        const inputs: Record<string, string> = { 'base-url': suite.emulator.url }
        for (const [name, value] of Object.entries(step.with ?? {}))
          inputs[name] = substitute(String(value), matrix, stepOutputs)
        const run = await runBundle(inputs, { dirs })
        expect(run.errors).toEqual([])
        expect(run.code).toBe(0)
        if (step.id) stepOutputs[step.id] = run.outputs
      }
    }
    // An actions/cache step names the folder the action writes.
    for (const step of example.steps.filter(s => s.uses?.startsWith('actions/cache@'))) {
      const cached = String(step.with?.path).replace('${{ runner.tool_cache }}', dirs.toolCache)
      expect(existsSync(path.join(cached))).toBe(true)
    }
  })
})

/** The values GitHub would put in place of each `${{ }}` expression an example uses. */
function substitute(
  value: string,
  matrix: Record<string, string>,
  steps: Record<string, Record<string, string>>
): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_whole, expression: string) => {
    if (expression === 'secrets.DATAMINER_TOKEN') return TEST_KEY
    const matrixValue = /^matrix\.(\S+)$/.exec(expression)
    if (matrixValue && matrixValue[1] in matrix) return matrix[matrixValue[1]]
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression)
    if (output && steps[output[1]]?.[output[2]] !== undefined) return steps[output[1]][output[2]]
    throw new Error(`The README example uses \${{ ${expression} }}, which this test cannot supply`)
  })
}

/** Runs a `run:` step with bash, as a tag push would, and returns what it wrote to GITHUB_OUTPUT. */
function runShellStep(script: string, temp: string): Record<string, string> {
  const output = path.join(temp, 'shell-step-output')
  writeFileSync(output, '')
  execFileSync('bash', ['-e', '-c', script], {
    env: { PATH: process.env['PATH'] ?? '', GITHUB_REF_NAME: TAG, GITHUB_OUTPUT: output },
    stdio: 'ignore'
  })
  const text = readFileSync(output, 'utf8')
  const outputs = parseOutputs(text)
  for (const line of text.split('\n')) {
    const match = /^([\w-]+)=(.*)$/.exec(line)
    if (match) outputs[match[1]] = match[2]
  }
  return outputs
}
