// What the REGARDS emulator knows by default: one project (tenant), its accounts, datasets and
// products with files of every kind the action meets. Fixed, so tests and the demo can name it.
import { contentDigest, type FileContent } from './content.js'

export type Role = 'PUBLIC' | 'REGISTERED_USER' | 'EXPLOIT' | 'ADMIN' | 'PROJECT_ADMIN'

/** Each role has the rights of those before it (REGARDS's role parents). */
export const ROLE_ORDER: Role[] = ['PUBLIC', 'REGISTERED_USER', 'EXPLOIT', 'ADMIN', 'PROJECT_ADMIN']

export interface UserSeed {
  email: string
  password: string
  role: Role
  /** Access groups; null: every product, as for admins. */
  groups: string[] | null
  licenseAccepted?: boolean
  /** Files (RAWDATA downloads) the account may download, for good; -1 (default): unlimited. */
  maxQuota?: number
  /** RAWDATA downloads at once; -1 (default): unlimited. */
  rateLimit?: number
  /** Quota already spent; default 0. */
  currentQuota?: number
  /** A refused account state, answered by the token route: 'ACCOUNT_LOCKED', … */
  refusal?: string
}

export interface FileSeed {
  dataType: string
  filename: string
  content: FileContent
  /** As the catalog writes it; default 'MD5'. */
  digestAlgorithm?: string
  /** Default: the digest of the content with that algorithm, lower-case hex. */
  checksum?: string
  mimeType?: string
  /** false: nearline, available only once restored. Default true. */
  online?: boolean
  /** true: stored outside REGARDS, served by the second host with no authorization. */
  reference?: boolean
}

/** A file as the catalog describes it: its checksum and algorithm fixed. */
export type CatalogFile = FileSeed & { checksum: string; digestAlgorithm: string }

export interface ProductSeed {
  /** The URN. */
  id: string
  providerId?: string
  label: string
  /** Groups that see the product (metadata access). */
  groups: string[]
  /** Groups that may download its RAWDATA files; default `groups`. */
  dataGroups?: string[]
  /** Dataset URNs the product belongs to, and any other tags. */
  tags?: string[]
  /** Its files need the project licence to be accepted (see server.ts on the licence). */
  licensed?: boolean
  properties?: Record<string, unknown>
  files: CatalogFile[]
}

export const DEMO_TENANT = 'demo'
export const DEMO_CLIENT = 'client:secret'
export const DEMO_LICENSE_LINK = 'https://licence.example.org/demo-project-licence.pdf'
export const PUBLIC_EMAIL = 'public@regards.com'

const NODE_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-512': 'sha512'
}

/** A catalog file; its checksum is the content's digest unless given. */
export function catalogFile(seed: FileSeed): CatalogFile {
  const digestAlgorithm = seed.digestAlgorithm ?? 'MD5'
  const nodeAlgorithm = NODE_ALGORITHMS[digestAlgorithm.toUpperCase()]
  // An algorithm node:crypto does not know gets a stable hex value a client cannot check.
  const checksum =
    seed.checksum ??
    (nodeAlgorithm
      ? contentDigest(seed.content, nodeAlgorithm)
      : contentDigest(seed.content, 'sha256').slice(0, 16))
  return { ...seed, digestAlgorithm, checksum }
}

const urn = (kind: 'DATA' | 'DATASET', n: number): string =>
  `URN:${kind === 'DATA' ? 'FEATURE' : 'AIP'}:${kind}:${DEMO_TENANT}:` +
  `00000000-0000-4000-8000-${String(n).padStart(12, '0')}:V1`

const xml = (title: string): Buffer =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<gmd:MD_Metadata><title>${title}</title></gmd:MD_Metadata>\n`
  )

export const DATASETS = {
  solar: urn('DATASET', 101),
  ocean: urn('DATASET', 102)
}

export const PRODUCTS = {
  /** Online files of four types; the RAWDATA checksum in upper case, as in the docs. */
  online: urn('DATA', 1),
  /** A nearline RAWDATA file (410 until restored). */
  nearline: urn('DATA', 2),
  /** 8 MiB of RAWDATA, SHA-256. */
  large: urn('DATA', 3),
  /** No providerId; one file with an algorithm nobody knows (XXH64). */
  noProviderId: urn('DATA', 4),
  /** Its RAWDATA needs the project licence. */
  licensed: urn('DATA', 5),
  /** A reference file on the second host. */
  reference: urn('DATA', 6),
  /** File names a client must not trust, two of them reducing to the same base name. */
  hostile: urn('DATA', 7),
  /** Seen only by the 'restricted' group. */
  restricted: urn('DATA', 8),
  /** SHA-512 and SHA-1 files, their algorithms spelled in lower case. */
  digests: urn('DATA', 9)
}

/** The docs show checksums in upper case: the first product's RAWDATA keeps that form. */
const upperCase = (file: CatalogFile): CatalogFile => ({
  ...file,
  checksum: file.checksum.toUpperCase()
})

const generated = (seed: number, size: number): FileContent => ({ seed, size })

export const SEED_PRODUCTS: ProductSeed[] = [
  {
    id: PRODUCTS.online,
    providerId: 'DATA-06-20220613-2390',
    label: 'Solar wind 2022-06-13',
    groups: ['public', 'science'],
    tags: [DATASETS.solar],
    properties: { mission: 'SOLAR', start_date: '2022-06-13T00:00:00Z' },
    files: [
      upperCase(
        catalogFile({
          dataType: 'RAWDATA',
          filename: 'DATA-06-20220613-2390.nc',
          content: generated(1, 65_536 + 123),
          mimeType: 'application/x-netcdf'
        })
      ),
      catalogFile({
        dataType: 'QUICKLOOK_SD',
        filename: 'quicklook.png',
        content: generated(2, 2_048),
        mimeType: 'image/png'
      }),
      catalogFile({
        dataType: 'THUMBNAIL',
        filename: 'thumbnail.png',
        content: generated(3, 512),
        mimeType: 'image/png'
      }),
      catalogFile({
        dataType: 'DESCRIPTION',
        filename: 'iso.xml',
        content: xml('Solar wind 2022-06-13'),
        mimeType: 'application/xml'
      })
    ]
  },
  {
    id: PRODUCTS.nearline,
    providerId: 'DATA-06-20220614-0001',
    label: 'Solar wind 2022-06-14',
    groups: ['public', 'science'],
    dataGroups: ['science'],
    tags: [DATASETS.solar],
    files: [
      catalogFile({
        dataType: 'RAWDATA',
        filename: 'DATA-06-20220614-0001.nc',
        content: generated(4, 131_072),
        mimeType: 'application/x-netcdf',
        online: false
      }),
      catalogFile({
        dataType: 'DESCRIPTION',
        filename: 'iso.xml',
        content: xml('Solar wind 2022-06-14'),
        mimeType: 'application/xml'
      })
    ]
  },
  {
    id: PRODUCTS.large,
    providerId: 'DATA-07-LARGE',
    label: 'Ocean colour mosaic',
    groups: ['public', 'science'],
    tags: [DATASETS.ocean],
    files: [
      catalogFile({
        dataType: 'RAWDATA',
        filename: 'mosaic.tif',
        content: generated(5, 8 * 1024 * 1024),
        mimeType: 'image/tiff',
        digestAlgorithm: 'SHA-256'
      })
    ]
  },
  {
    id: PRODUCTS.noProviderId,
    label: 'Buoy measurements',
    groups: ['public', 'science'],
    tags: [DATASETS.ocean],
    files: [
      catalogFile({
        dataType: 'RAWDATA',
        filename: 'measurements.csv',
        content: Buffer.from('time,temperature\n2022-06-13T00:00:00Z,12.5\n'),
        mimeType: 'text/csv'
      }),
      catalogFile({
        dataType: 'RAWDATA',
        filename: 'extra.bin',
        content: generated(6, 1_000),
        digestAlgorithm: 'XXH64'
      })
    ]
  },
  {
    id: PRODUCTS.licensed,
    providerId: 'DATA-08-LICENSED',
    label: 'Licensed imagery',
    groups: ['public', 'science'],
    licensed: true,
    files: [
      catalogFile({
        dataType: 'RAWDATA',
        filename: 'licensed.nc',
        content: generated(7, 4_096),
        mimeType: 'application/x-netcdf'
      }),
      catalogFile({
        dataType: 'QUICKLOOK_SD',
        filename: 'licensed-quicklook.png',
        content: generated(8, 256),
        mimeType: 'image/png'
      })
    ]
  },
  {
    id: PRODUCTS.reference,
    providerId: 'DATA-09-REFERENCE',
    label: 'Externally stored granule',
    groups: ['public', 'science'],
    files: [
      catalogFile({
        dataType: 'RAWDATA',
        filename: 'external.nc',
        content: generated(9, 3_000),
        mimeType: 'application/x-netcdf',
        reference: true
      }),
      catalogFile({
        dataType: 'THUMBNAIL',
        filename: 'external-thumbnail.png',
        content: generated(10, 300),
        mimeType: 'image/png'
      })
    ]
  },
  {
    id: PRODUCTS.hostile,
    providerId: 'DATA-10-HOSTILE',
    label: 'Hostile file names',
    groups: ['public', 'science'],
    files: [
      catalogFile({ dataType: 'RAWDATA', filename: '../evil.nc', content: generated(11, 100) }),
      catalogFile({ dataType: 'RAWDATA', filename: '.hidden', content: generated(12, 101) }),
      catalogFile({
        dataType: 'RAWDATA',
        filename: 'bell\u0007new\nline.nc',
        content: generated(13, 102)
      }),
      catalogFile({ dataType: 'RAWDATA', filename: 'dir/same.nc', content: generated(14, 103) }),
      catalogFile({ dataType: 'RAWDATA', filename: 'same.nc', content: generated(15, 104) })
    ]
  },
  {
    id: PRODUCTS.restricted,
    providerId: 'DATA-11-RESTRICTED',
    label: 'Restricted product',
    groups: ['restricted'],
    files: [
      catalogFile({ dataType: 'RAWDATA', filename: 'restricted.nc', content: generated(16, 200) })
    ]
  },
  {
    id: PRODUCTS.digests,
    providerId: 'DATA-12-DIGESTS',
    label: 'Other digests',
    groups: ['public', 'science'],
    tags: [DATASETS.solar],
    files: [
      catalogFile({
        dataType: 'RAWDATA',
        filename: 'sha512.dat',
        content: generated(17, 5_000),
        digestAlgorithm: 'sha-512'
      }),
      catalogFile({
        dataType: 'RAWDATA',
        filename: 'sha1.dat',
        content: generated(18, 5_001),
        digestAlgorithm: 'sha-1'
      })
    ]
  }
]

export const USERS = {
  /** EXPLOIT role (availability and restore), unlimited quota and rate. */
  exploit: 'exploit@example.org',
  /** A registered user: no EXPLOIT role; quota 5, rate 1. */
  registered: 'user@example.org',
  /** Its licence already accepted. */
  accepted: 'accepted@example.org',
  /** Quota 2, all of it spent. */
  spent: 'spent@example.org',
  /** Sees everything. */
  admin: 'admin@example.org',
  /** Refused at sign-in with ACCOUNT_LOCKED. */
  locked: 'locked@example.org'
}

export const SEED_USERS: UserSeed[] = [
  {
    email: USERS.exploit,
    password: 'exploit-password',
    role: 'EXPLOIT',
    groups: ['public', 'science']
  },
  {
    email: USERS.registered,
    password: 'user-password',
    role: 'REGISTERED_USER',
    groups: ['public', 'science'],
    maxQuota: 5,
    rateLimit: 1
  },
  {
    email: USERS.accepted,
    password: 'accepted-password',
    role: 'EXPLOIT',
    groups: ['public', 'science'],
    licenseAccepted: true
  },
  {
    email: USERS.spent,
    password: 'spent-password',
    role: 'REGISTERED_USER',
    groups: ['public', 'science'],
    maxQuota: 2,
    currentQuota: 2
  },
  { email: USERS.admin, password: 'admin-password', role: 'ADMIN', groups: null },
  {
    email: USERS.locked,
    password: 'locked-password',
    role: 'REGISTERED_USER',
    groups: ['public'],
    refusal: 'ACCOUNT_LOCKED'
  }
]

/** The anonymous user REGARDS puts behind public access (a `scope` and no token). */
export const PUBLIC_USER: UserSeed = {
  email: PUBLIC_EMAIL,
  password: '',
  role: 'PUBLIC',
  groups: ['public']
}
