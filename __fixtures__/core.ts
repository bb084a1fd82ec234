// Typed stand-ins for the parts of @actions/core the action uses, for jest.unstable_mockModule.
import { jest } from '@jest/globals'
import type * as core from '@actions/core'

export const debug = jest.fn<typeof core.debug>()
export const info = jest.fn<typeof core.info>()
export const warning = jest.fn<typeof core.warning>()
export const error = jest.fn<typeof core.error>()
export const notice = jest.fn<typeof core.notice>()
export const setFailed = jest.fn<typeof core.setFailed>()
export const setOutput = jest.fn<typeof core.setOutput>()
export const setSecret = jest.fn<typeof core.setSecret>()
export const getInput = jest.fn<typeof core.getInput>()
export const isDebug = jest.fn<typeof core.isDebug>(() => false)
export const group = jest.fn(async <T>(_name: string, fn: () => Promise<T>): Promise<T> => fn())
export const startGroup = jest.fn<typeof core.startGroup>()
export const endGroup = jest.fn<typeof core.endGroup>()

/** Everything logged through info, as one string per call. */
export function infoLines(): string[] {
  return info.mock.calls.map(call => String(call[0]))
}
