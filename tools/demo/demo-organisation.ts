/**
 * The demo organisation `npm start` loads: the seed's "new product launch" at Acme Devices.
 * Its people are the development identity provider's accounts (passwords printed at start).
 * Fixed ids make loading it again a no-op.
 */
export const DEMO_ORGANISATION = { id: '6f1d2c3b-4a59-4e68-8b7a-0c1d2e3f4a5b', name: 'Acme Devices' };

export const DEMO_UNITS = {
  company: { name: 'Acme Devices', parent: null },
  engineering: { name: 'Product engineering', parent: 'company' },
  marketing: { name: 'Marketing & sales', parent: 'company' },
} as const;
export type DemoUnit = keyof typeof DEMO_UNITS;

export interface DemoPerson {
  key: string;
  id: string;
  name: string;
  email: string;
  password: string;
  role: 'director' | 'manager';
  title: string;
  unit: DemoUnit;
  reportsTo: string | null;
}

export const DEMO_PEOPLE: DemoPerson[] = [
  {
    key: 'chris',
    id: '0b7c6d5e-1f2a-4b3c-9d4e-5f6a7b8c9d01',
    name: 'Chris Okafor',
    email: 'chris@acme.example',
    password: 'chris-demo',
    role: 'director',
    title: 'COO',
    unit: 'company',
    reportsTo: null,
  },
  {
    key: 'dana',
    id: '0b7c6d5e-1f2a-4b3c-9d4e-5f6a7b8c9d02',
    name: 'Dana Lindqvist',
    email: 'dana@acme.example',
    password: 'dana-demo',
    role: 'director',
    title: 'Director, product engineering',
    unit: 'engineering',
    reportsTo: 'chris',
  },
  {
    key: 'ravi',
    id: '0b7c6d5e-1f2a-4b3c-9d4e-5f6a7b8c9d03',
    name: 'Ravi Menon',
    email: 'ravi@acme.example',
    password: 'ravi-demo',
    role: 'director',
    title: 'Director, marketing & sales',
    unit: 'marketing',
    reportsTo: 'chris',
  },
  {
    key: 'mia',
    id: '0b7c6d5e-1f2a-4b3c-9d4e-5f6a7b8c9d04',
    name: 'Mia Novak',
    email: 'mia@acme.example',
    password: 'mia-demo',
    role: 'manager',
    title: 'Manager, production',
    unit: 'engineering',
    reportsTo: 'dana',
  },
  {
    key: 'max',
    id: '0b7c6d5e-1f2a-4b3c-9d4e-5f6a7b8c9d05',
    name: 'Max Keller',
    email: 'max@acme.example',
    password: 'max-demo',
    role: 'manager',
    title: 'Manager, quality',
    unit: 'engineering',
    reportsTo: 'dana',
  },
  {
    key: 'lena',
    id: '0b7c6d5e-1f2a-4b3c-9d4e-5f6a7b8c9d06',
    name: 'Lena Fischer',
    email: 'lena@acme.example',
    password: 'lena-demo',
    role: 'manager',
    title: 'Manager, campaigns',
    unit: 'marketing',
    reportsTo: 'ravi',
  },
  {
    key: 'omar',
    id: '0b7c6d5e-1f2a-4b3c-9d4e-5f6a7b8c9d07',
    name: 'Omar Haddad',
    email: 'omar@acme.example',
    password: 'omar-demo',
    role: 'manager',
    title: 'Manager, channel sales',
    unit: 'marketing',
    reportsTo: 'ravi',
  },
];

export const demoPerson = (key: string): DemoPerson => DEMO_PEOPLE.find((person) => person.key === key)!;

/** The accounts of the development identity provider. */
export const DEMO_ACCOUNTS = DEMO_PEOPLE.map(({ name, email, password, role, title }) => ({
  name,
  email,
  password,
  role,
  title,
}));
