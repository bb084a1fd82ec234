// The few runner interactions the action needs before it knows its inputs are valid: reading an
// input, masking the key, a warning, the step's error. @actions/core does the same, but loading it
// loads its OIDC client and through it @actions/http-client (and, outside the bundle, undici): a
// step that only rejects an input would spend time and memory loading code it never runs. So these
// are written here, exactly as @actions/core 3 writes them, and everything after the inputs uses
// @actions/core (an action's work, loaded once its inputs are valid: src/dataminer/perform.ts).
// Every line written here is redacted, as core/step/log.ts's are: whatever a caller passes.
import { EOL } from 'node:os'
import { redact } from '../secrets.js'
import { issue } from './command.js'

/** An input as @actions/core's getInput reads it: INPUT_<NAME>, trimmed; '' when not given. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** Tells the runner to hide `value` in every log line from now on. */
export function setSecret(value: string): void {
  issue('add-mask', value)
}

export function info(message: string): void {
  process.stdout.write(redact(message) + EOL)
}

export function warning(message: string): void {
  issue('warning', redact(message))
}

export function isDebug(): boolean {
  return process.env['RUNNER_DEBUG'] === '1'
}

export function debug(message: string): void {
  issue('debug', redact(message))
}

/** The step's error annotation; the step fails with exit code 1. */
export function setFailed(message: string): void {
  process.exitCode = 1
  issue('error', redact(message))
}
