// The README of each action (scripts/actions.ts) documents exactly what its action.yml declares:
// its Inputs and Outputs tables.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { ACTIONS } from '../../scripts/actions.js'
import { ROOT } from '../../scripts/run-action.js'

interface ActionYaml {
  inputs: Record<string, { required?: boolean; default?: string }>
  outputs: Record<string, unknown>
}

/** The body rows of the first table under a `## heading`, as cells. */
function tableUnder(readme: string, heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`)
  expect(start).toBeGreaterThan(-1)
  const section = readme.slice(start + 1).split(/\n## /)[0]
  return section
    .split('\n')
    .filter(line => line.startsWith('|'))
    .slice(2) // the header row and the separator
    .map(line =>
      line
        .slice(1, -1)
        .split('|')
        .map(cell => cell.trim())
    )
}

/** The `names` of a first cell: one, or several as in "`path`, `filename`". */
function namesIn(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map(match => match[1])
}

describe.each(ACTIONS)('$readme', entry => {
  const readme = readFileSync(path.join(ROOT, entry.readme), 'utf8')
  const action = parse(readFileSync(path.join(ROOT, entry.actionYml), 'utf8')) as ActionYaml

  it('lists every input of action.yml, in its order, and no other', () => {
    const names = tableUnder(readme, 'Inputs').flatMap(([name]) => namesIn(name))
    expect(names).toEqual(Object.keys(action.inputs))
  })

  it("gives each input action.yml's default, or (required)", () => {
    const rows = tableUnder(readme, 'Inputs').map(([cell, shown]) => [namesIn(cell)[0], shown])
    const expected = rows.map(([name, shown]) => {
      const input = action.inputs[name]
      if (input.required) return [name, '(required)']
      // An empty default is described in words (the workspace, nothing).
      if (!input.default) return [name, shown === '(required)' ? 'not (required)' : shown]
      return [name, `\`${input.default}\``]
    })
    expect(rows).toEqual(expected)
  })

  it('lists every output of action.yml, in its order, and no other', () => {
    const names = tableUnder(readme, 'Outputs').flatMap(([name]) => namesIn(name))
    expect(names).toEqual(Object.keys(action.outputs))
  })
})
