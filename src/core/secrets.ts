// Values that must never appear in anything the action writes: logs are masked by the runner
// after add-mask, but outputs, the step summary and error texts built from server answers are
// not, so every such text passes through redact(), and so does every line the action logs
// (core/step/log.ts). The secrets belong to one run: they are held in its async context, so
// nothing of one run (or test) is left for the next.
import { AsyncLocalStorage } from 'node:async_hooks'
import { issue } from './step/command.js'

/** The secrets of one withSecrets() scope, and those of the scopes around it. */
interface SecretScope {
  readonly values: Set<string>
  readonly parent?: SecretScope
}

const runSecrets = new AsyncLocalStorage<SecretScope>()

/**
 * Runs `work` so that redact(), anywhere within it, hides each of `secrets` as well as every
 * secret of the enclosing run: a nested scope adds to them, never replaces them.
 */
export function withSecrets<T>(secrets: readonly string[], work: () => T): T {
  const values = new Set(secrets.filter(secret => secret !== ''))
  return runSecrets.run({ values, parent: runSecrets.getStore() }, work)
}

/**
 * Adds a secret to the whole run (the outermost withSecrets), so that it stays hidden until the
 * run ends, even when added inside a nested scope: a token obtained mid-run, say. The runner is
 * told to mask it in the log too.
 */
export function addSecret(value: string): void {
  if (value === '') return
  let scope = runSecrets.getStore()
  if (!scope) throw new Error('addSecret() is called outside withSecrets(): nothing would hide it')
  while (scope.parent) scope = scope.parent
  scope.values.add(value)
  issue('add-mask', value)
}

export function redact(text: string): string {
  const secrets: string[] = []
  for (let scope = runSecrets.getStore(); scope; scope = scope.parent) secrets.push(...scope.values)
  // The longest first, so that no piece of a longer secret is left beside a shorter one's ***.
  secrets.sort((a, b) => b.length - a.length)
  let result = text
  for (const secret of secrets) result = result.split(secret).join('***')
  return result
}

/** `fn`, bound to the current run's secrets even when an event outside the run calls it. */
export function bindToRun<F extends (...args: never[]) => unknown>(fn: F): F {
  return AsyncLocalStorage.bind(fn)
}
