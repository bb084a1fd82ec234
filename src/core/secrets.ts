// Values that must never appear in anything the action writes: logs are masked by the runner
// after core.setSecret, but outputs, the step summary and error texts built from server answers
// are not, so every such text passes through redact(). The secrets belong to one run: they are
// held in its async context, so nothing of one run (or test) is left for the next.
import { AsyncLocalStorage } from 'node:async_hooks'

const runSecrets = new AsyncLocalStorage<readonly string[]>()

/** Runs `work` so that redact(), anywhere within it, hides each of `secrets`. */
export function withSecrets<T>(secrets: string[], work: () => T): T {
  return runSecrets.run(
    secrets.filter(secret => secret !== ''),
    work
  )
}

export function redact(text: string): string {
  let result = text
  for (const secret of runSecrets.getStore() ?? []) result = result.split(secret).join('***')
  return result
}

/** `fn`, bound to the current run's secrets even when an event outside the run calls it. */
export function bindToRun<F extends (...args: never[]) => unknown>(fn: F): F {
  return AsyncLocalStorage.bind(fn)
}
