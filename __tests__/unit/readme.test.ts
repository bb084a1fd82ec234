// The README's Inputs and Outputs tables document exactly what action.yml declares.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>
  outputs: Record<string, unknown>
}

/** The body rows of the first table under a `## heading`, as cells. */
function tableUnder(heading: string): string[][] {
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

describe('README', () => {
  it('lists every input of action.yml, in its order, and no other', () => {
    const names = tableUnder('Inputs').flatMap(([name]) => namesIn(name))
    expect(names).toEqual(Object.keys(action.inputs))
  })

  it("gives each input action.yml's default, or (required)", () => {
    const rows = tableUnder('Inputs').map(([cell, shown]) => [namesIn(cell)[0], shown])
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
    const names = tableUnder('Outputs').flatMap(([name]) => namesIn(name))
    expect(names).toEqual(Object.keys(action.outputs))
  })
})
