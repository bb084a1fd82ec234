// The commands written without @actions/core must read and write exactly as it does.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '@actions/core'
import * as runner from '../../src/core/step/workflow-commands.js'

let written: string[]
beforeEach(() => {
  written = []
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
  process.exitCode = undefined
  delete process.env['INPUT_SOME_THING']
  delete process.env['INPUT_API-KEY']
  delete process.env['RUNNER_DEBUG']
})

/** What a function writes to stdout. */
function output(action: () => void): string {
  written = []
  action()
  return written.join('')
}

const MESSAGES = [
  'plain',
  'two\nlines\r\nand 100% sure',
  '::error::inside',
  '%0A already escaped',
  ''
]

describe('workflow commands written without @actions/core', () => {
  it.each(MESSAGES)('writes %p as @actions/core does', message => {
    expect(output(() => runner.setSecret(message))).toBe(output(() => core.setSecret(message)))
    expect(output(() => runner.warning(message))).toBe(output(() => core.warning(message)))
    expect(output(() => runner.debug(message))).toBe(output(() => core.debug(message)))
    expect(output(() => runner.info(message))).toBe(output(() => core.info(message)))
    expect(output(() => runner.setFailed(message))).toBe(output(() => core.setFailed(message)))
    expect(process.exitCode).toBe(1)
  })

  it('reads inputs as @actions/core does', () => {
    process.env['INPUT_SOME_THING'] = '  spaced \n'
    process.env['INPUT_API-KEY'] = 'k'
    for (const name of ['some thing', 'api-key', 'missing'])
      expect(runner.getInput(name)).toBe(core.getInput(name))
    expect(runner.getInput('some thing')).toBe('spaced')
  })

  it('knows debug mode as @actions/core does', () => {
    expect(runner.isDebug()).toBe(core.isDebug())
    process.env['RUNNER_DEBUG'] = '1'
    expect(runner.isDebug()).toBe(true)
    expect(core.isDebug()).toBe(true)
  })
})
