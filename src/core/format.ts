/** Seconds for people: "0.4 s", "2 s", "1 min 5 s". */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000
  if (seconds < 10 && !Number.isInteger(seconds)) return `${seconds.toFixed(1)} s`
  const whole = Math.round(seconds)
  if (whole < 120) return `${whole} s`
  return `${Math.floor(whole / 60)} min ${whole % 60} s`
}

/** Sizes for people: "812 B", "1.4 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** An instant as UTC, to the second: 2026-11-23 03:04:05 UTC. */
export function formatInstant(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** The text with its first letter in upper case. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** The text cut to at most `max` characters, ending in "..." when cut. */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text
}
