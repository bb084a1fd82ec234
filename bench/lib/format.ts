// Medians and the units the tables use.

export const MIB = 1024 * 1024

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export function seconds(ms: number, digits = 2): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(digits)} s` : '-'
}

export function milliseconds(ms: number): string {
  return Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : '-'
}

export function mib(bytes: number, digits = 1): string {
  return Number.isFinite(bytes) ? `${(bytes / MIB).toFixed(digits)} MiB` : '-'
}

/** Bytes in KiB with a thousands separator, e.g. "1,234.5 KiB". */
export function kib(bytes: number): string {
  return `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} KiB`
}

export function mibPerSecond(bytes: number, ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? `${(bytes / MIB / (ms / 1000)).toFixed(0)} MiB/s` : '-'
}

/** How many times `value` is `reference`, e.g. "1.84×". */
export function ratio(value: number, reference: number): string {
  return Number.isFinite(value) && Number.isFinite(reference) && reference > 0
    ? `${(value / reference).toFixed(2)}×`
    : '-'
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '-'
}

/** Every run's figure, in the order measured: "1.02, 0.98, 1.10". */
export function each(values: number[], format: (value: number) => string): string {
  return values.map(format).join(', ')
}

export function minutes(ms: number): string {
  const total = Math.round(ms / 1000)
  return total < 60 ? `${total} s` : `${Math.floor(total / 60)} min ${total % 60} s`
}
