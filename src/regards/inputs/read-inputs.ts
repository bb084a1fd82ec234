import { getInput } from '../../core/step/workflow-commands.js'
import { INPUT_NAMES, parseInputs, type Settings } from './schema.js'

/** Reads every declared input of the step and validates them all; throws InputError. */
export function readInputs(): Settings {
  return parseInputs(Object.fromEntries(INPUT_NAMES.map(name => [name, getInput(name)])))
}
