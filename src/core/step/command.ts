import { EOL } from 'node:os'

/** Writes a workflow command (`::name::message`), escaped as @actions/core 3 escapes it. */
export function issue(command: string, message: string): void {
  const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  process.stdout.write(`::${command}::${escaped}${EOL}`)
}
