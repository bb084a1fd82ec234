/** A header's value as one string: repeated headers joined with ", "; undefined when absent. */
export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}
