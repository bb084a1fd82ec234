// What the emulator knows by default: demo keys, Catalog items with real package zips, and
// DataMiner Systems. Everything here is fixed so tests and the demo can name it.
import { buildZip } from './zip-writer.js'

export type Permission =
  'Download Catalog versions' | 'Deploy a version of a Catalog item' | 'Read Catalog items'

export interface KeyGrant {
  organization: string
  permissions: Permission[]
}

export interface VersionSeed {
  version: string
  content: Buffer
  /** null: no Content-Disposition; undefined: `${itemName} ${version}.${ext}` */
  filename?: string | null
}

export type VersionsShape = 'strings' | 'objects' | 'wrapped' | 'garbage'

export interface ItemSeed {
  /** A GUID. */
  id: string
  name: string
  /** Only keys of this organization see the item; others get 404. */
  organization: string
  type: 'dmapp' | 'dmprotocol'
  /** Listed by the versions route in this order. */
  versions: VersionSeed[]
  /** How the versions route answers; default 'objects'. */
  versionsShape?: VersionsShape
}

export interface SystemSeed {
  id: string
  organization: string
  name: string
}

export const DEMO_ORGANIZATION = 'Demo Organization'
export const OTHER_ORGANIZATION = 'Other Organization'

const ALL_PERMISSIONS: Permission[] = [
  'Download Catalog versions',
  'Deploy a version of a Catalog item',
  'Read Catalog items'
]

export const DEMO_KEYS: Record<string, KeyGrant> = {
  'demo-full-key': { organization: DEMO_ORGANIZATION, permissions: ALL_PERMISSIONS },
  'demo-download-key': {
    organization: DEMO_ORGANIZATION,
    permissions: ['Download Catalog versions']
  },
  'demo-deploy-key': {
    organization: DEMO_ORGANIZATION,
    permissions: ['Deploy a version of a Catalog item']
  },
  'demo-read-download-key': {
    organization: DEMO_ORGANIZATION,
    permissions: ['Read Catalog items', 'Download Catalog versions']
  },
  'demo-no-permission-key': { organization: DEMO_ORGANIZATION, permissions: [] },
  'other-org-key': { organization: OTHER_ORGANIZATION, permissions: ALL_PERMISSIONS }
}

export const SEED = {
  appItemId: '4f0c9d3e-7a52-4b6e-9c1d-2e8f5a6b7c01',
  protocolItemId: '9b3e6f21-5d84-4c7a-8e0f-1a2b3c4d5e02',
  systemIds: [
    '0d6f3a8e-2b4c-4e1f-a7d9-3c5b8e2f6a10',
    '5e8a1c7b-9d2f-4a3e-b6c4-7f1d0e9a2b20',
    'b2c4e6f8-1a3c-4d5e-8f7a-9b0c1d2e3f30'
  ],
  /** Connector builds for ranges: 1.0.0.1 to 1.0.0.12 with betas and a CU, 1.0.1.x, 1.1.0.x. */
  rangeConnectorItemId: '6a2d8f14-3c7b-4e95-a1d0-8b4c2e6f9a04',
  /** Solution releases 1.0.0 to 2.3.1 with alpha/beta/rc, CUs, and Other names. */
  rangeSolutionItemId: '3e9b1c75-8d2a-4f06-b7e3-5c1a9d4e2b05',
  /** Versions with a space, '/', '%', '+' and non-ASCII letters, next to 1.0.0.1 and Others. */
  oddVersionsItemId: 'd4a7e2c9-6b1f-4a38-9e5d-2f8c0b7a1d06',
  /** An item and a system of another organization: invisible to the demo keys. */
  otherOrganizationItemId: 'c7d8e9f0-1a2b-4c3d-9e4f-5a6b7c8d9e03',
  otherOrganizationSystemId: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a40'
}

/** A .dmapp package: AppInfo.xml and Description.txt at the root, as the Catalog serves them. */
export function buildAppPackage(name: string, version: string): Buffer {
  return buildZip([
    {
      name: 'AppInfo.xml',
      data:
        '<?xml version="1.0" encoding="utf-8"?>\n' +
        `<AppInfo>\n  <Name>${name}</Name>\n  <Version>${version}</Version>\n` +
        '  <MinDmaVersion>10.3.0.0</MinDmaVersion>\n</AppInfo>\n'
    },
    { name: 'Description.txt', data: `${name} ${version}\n` },
    {
      name: 'AppInstallContent/Scripts/Install.xml',
      data: `<Script><Name>${name} install</Name></Script>\n`
    }
  ])
}

/** A .dmprotocol package: Protocol/Protocol.xml and Description.txt. */
export function buildProtocolPackage(name: string, version: string): Buffer {
  return buildZip([
    {
      name: 'Protocol/Protocol.xml',
      data:
        '<?xml version="1.0" encoding="utf-8"?>\n' +
        '<Protocol xmlns="http://www.skyline.be/protocol">\n' +
        `  <Name>${name}</Name>\n  <Version>${version}</Version>\n</Protocol>\n`
    },
    { name: 'Description.txt', data: `${name} ${version}\n` }
  ])
}

function itemSeed(
  id: string,
  name: string,
  organization: string,
  type: ItemSeed['type'],
  versions: string[]
): ItemSeed {
  const build = type === 'dmapp' ? buildAppPackage : buildProtocolPackage
  return {
    id,
    name,
    organization,
    type,
    versions: versions.map(version => ({ version, content: build(name, version) }))
  }
}

// Versions are listed out of order on purpose: clients must sort them themselves.
// Highest release (latest): app 2.0.0-CU1 (a cumulative update is a release), protocol 1.0.1.0;
// highest of all: 2.0.0-CU1, 1.1.0.1-alpha1.
export const SEED_ITEMS: ItemSeed[] = [
  itemSeed(SEED.appItemId, 'Demo Application', DEMO_ORGANIZATION, 'dmapp', [
    '1.0.0.9',
    '1.0.0.1',
    '2.0.0-CU1',
    '1.0.0.10',
    '1.0.1-beta1'
  ]),
  itemSeed(SEED.protocolItemId, 'Demo Connector', DEMO_ORGANIZATION, 'dmprotocol', [
    '1.0.0.2',
    '1.0.0.12',
    '1.1.0.1-alpha1',
    '1.0.1.0',
    '1.0.0.3'
  ]),
  // Range 1.0.0.x: highest release 1.0.0.12, highest of all 1.0.0.13-beta1; 1.0.1.x: 1.0.1.2
  // and 1.0.1.3-beta1; 1.1.0.x holds only 1.1.0.1-alpha1. latest 1.0.1.2.
  itemSeed(SEED.rangeConnectorItemId, 'Range Connector', DEMO_ORGANIZATION, 'dmprotocol', [
    '1.0.0.3',
    '1.0.0.12',
    '1.0.0.1',
    '1.0.0.13-beta1',
    '1.0.0.5-CU1',
    '1.0.0.10',
    '1.0.0.2',
    '1.0.0.12-beta2',
    '1.0.0',
    '1.0.1.2',
    '1.0.0.11',
    '1.0.1.3-beta1',
    '1.1.0.1-alpha1',
    'Nightly',
    '1.0.0.9',
    '1.0.0.4',
    '1.0.0.5',
    '1.0.0.6',
    '1.0.0.7',
    '1.0.0.8'
  ]),
  // Range 2.x: highest release 2.3.1, highest of all 2.3.2-rc1; 2.0.x: 2.0.0-CU10; 3.x holds
  // only 3.0.0-beta1; 4.x nothing. latest 2.3.1, latest-prerelease 3.0.0-beta1.
  itemSeed(SEED.rangeSolutionItemId, 'Range Solution', DEMO_ORGANIZATION, 'dmapp', [
    '2.0.0-CU2',
    '1.0.0',
    '2.3.1',
    'feature-x',
    '2.0.0-beta10',
    '1.2.0',
    '2.0.0-rc1',
    '3.0.0-beta1',
    '2.0.0',
    '2.0.0-CU10',
    '1.0.1',
    '2.0.0-alpha1',
    '2.3.2-rc1',
    '2.0.0-beta2',
    'Nightly',
    '2.3.0',
    '2.0.0-CU1'
  ]),
  // The Catalog accepts any version string; each goes URL-encoded as one path segment.
  itemSeed(SEED.oddVersionsItemId, 'Odd Versions', DEMO_ORGANIZATION, 'dmapp', [
    'Nightly build',
    '1.0 build 7',
    '2.0/hotfix',
    '100%',
    '1.0.0+meta',
    'versión ü 1',
    '1.0.0.1',
    'feature-x'
  ]),
  itemSeed(
    SEED.otherOrganizationItemId,
    'Other Organization Application',
    OTHER_ORGANIZATION,
    'dmapp',
    ['1.0.0', '1.1.0']
  )
]

export const DEMO_SYSTEMS: SystemSeed[] = [
  { id: SEED.systemIds[0], organization: DEMO_ORGANIZATION, name: 'Demo Production DMS' },
  { id: SEED.systemIds[1], organization: DEMO_ORGANIZATION, name: 'Demo Staging DMS' },
  { id: SEED.systemIds[2], organization: DEMO_ORGANIZATION, name: 'Demo Lab DMS' },
  { id: SEED.otherOrganizationSystemId, organization: OTHER_ORGANIZATION, name: 'Other DMS' }
]
