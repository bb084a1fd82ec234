// The step's log once the inputs are valid: @actions/core's, with every line redacted first.
import * as core from '@actions/core'
import { redact } from '../secrets.js'

export function info(message: string): void {
  core.info(redact(message))
}

export function warning(message: string): void {
  core.warning(redact(message))
}

export function debug(message: string): void {
  core.debug(redact(message))
}

/** Runs `work` in a collapsible group of the log. */
export function group<T>(name: string, work: () => Promise<T>): Promise<T> {
  return core.group(redact(name), work)
}
