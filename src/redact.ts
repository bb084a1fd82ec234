// Values that must never appear in anything the action writes: logs are masked by the runner
// after core.setSecret, but outputs, the step summary and error texts built from server answers
// are not, so every such text passes through redact().
const secrets = new Set<string>()

export function registerSecret(value: string): void {
  if (value) secrets.add(value)
}

export function redact(text: string): string {
  let result = text
  for (const secret of secrets) result = result.split(secret).join('***')
  return result
}
