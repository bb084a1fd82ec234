// The catalog's `digestAlgorithm` names, mapped to node:crypto's. REGARDS writes 'MD5' (the only
// value seen, research §6) but accepts any name MessageDigest knows, so SHA-1, SHA-256 and
// SHA-512 are read in any case and spelling ('SHA-256', 'sha256', 'SHA_256', 'Sha 256').

export type NodeDigest = 'md5' | 'sha1' | 'sha256' | 'sha512'

const KNOWN: Record<string, NodeDigest> = {
  MD5: 'md5',
  SHA1: 'sha1',
  SHA256: 'sha256',
  SHA512: 'sha512'
}

const HEX_LENGTH: Record<NodeDigest, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 }

/** node:crypto's name for the algorithm, or undefined when it is not one the action checks. */
export function nodeDigest(digestAlgorithm: string | null | undefined): NodeDigest | undefined {
  const key = (digestAlgorithm ?? '')
    .trim()
    .toUpperCase()
    .replace(/[-_\s]/g, '')
  return Object.hasOwn(KNOWN, key) ? KNOWN[key] : undefined
}

/** The checksum looks like a digest of that algorithm: hex of the right length, either case. */
export function isDigestOf(algorithm: NodeDigest, checksum: string): boolean {
  return checksum.length === HEX_LENGTH[algorithm] && /^[0-9a-f]+$/i.test(checksum)
}

/** Digests compare without regard to case (the docs show upper case, node gives lower). */
export function sameDigest(computed: string, catalog: string): boolean {
  return computed.toLowerCase() === catalog.trim().toLowerCase()
}
