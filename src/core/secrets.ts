// Values that must never appear in anything the action writes: logs are masked by the runner
// after add-mask, but outputs, the step summary and error texts built from server answers are
// not, so every such text passes through redact(), and so does every line the action logs
// (core/step/log.ts). The secrets belong to one run: they are held in its async context, so
// nothing of one run (or test) is left for the next.
import { AsyncLocalStorage } from 'node:async_hooks'
import { setSecret } from './step/workflow-commands.js'

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
  setSecret(value)
}

/**
 * The run's secrets as they may appear in a text: as given and percent-encoded (in an address or
 * a file name), the longest first, so that no piece of a longer secret is left beside a shorter
 * one's ***. Matched whatever their case.
 */
function secretForms(): RegExp | undefined {
  const forms = new Set<string>()
  for (let scope = runSecrets.getStore(); scope; scope = scope.parent) {
    for (const secret of scope.values) {
      forms.add(secret)
      forms.add(encodeURIComponent(secret))
    }
  }
  if (forms.size === 0) return undefined
  const sorted = [...forms].sort((a, b) => b.length - a.length)
  return new RegExp(sorted.map(escapeRegExp).join('|'), 'gi')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function redact(text: string): string {
  const forms = secretForms()
  return forms ? text.replace(forms, '***') : text
}

/**
 * True when `text` holds a secret of the run, in any form redact() hides, or once its
 * percent-escapes are decoded (an address that spells a secret in escapes redact() does not know).
 */
export function containsSecret(text: string): boolean {
  const forms = secretForms()
  if (!forms) return false
  if (forms.test(text)) return true
  const decoded = percentDecoded(text)
  return decoded !== text && new RegExp(forms.source, 'i').test(decoded)
}

/** `text` with every secret of the run cut out (not replaced): for names that must not hold one. */
export function withoutSecrets(text: string): string {
  const forms = secretForms()
  if (!forms) return text
  // Cutting one secret out may join the pieces around it into another: repeat until none is left.
  let result = text
  for (let previous = ''; previous !== result;) {
    previous = result
    result = result.replace(forms, '')
  }
  return result
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    // A stray % somewhere: decode the escapes that are whole, byte by byte as latin1 would not do.
    return text.replace(/(%[0-9a-f]{2})+/gi, run => {
      try {
        return decodeURIComponent(run)
      } catch {
        return run
      }
    })
  }
}

/** `fn`, bound to the current run's secrets even when an event outside the run calls it. */
export function bindToRun<F extends (...args: never[]) => unknown>(fn: F): F {
  return AsyncLocalStorage.bind(fn)
}
