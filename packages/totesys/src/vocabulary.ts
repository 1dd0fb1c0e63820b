// Invented word lists for realistic-looking reference data. None of it comes from the real totesys snapshots.

/** Given names for staff and counterparty contacts. */
export const firstNames = [
  'Amelia',
  'Oliver',
  'Isla',
  'Harry',
  'Freya',
  'George',
  'Ava',
  'Noah',
  'Mia',
  'Jack',
  'Evie',
  'Leo',
  'Poppy',
  'Arthur',
  'Ivy',
  'Oscar',
  'Rosie',
  'Theo',
  'Maya',
  'Finley',
  'Hannah',
  'Rory',
  'Esme',
  'Callum',
  'Nadia',
  'Tariq',
  'Priya',
  'Declan',
  'Siobhan',
  'Kofi',
  'Ines',
  'Mateo',
  'Yusuf',
  'Zara',
  'Bethan',
  'Ewan',
  'Aisling',
  'Gareth',
  'Lena',
  'Tomasz',
] as const;

/** Family names for staff, contacts, company names and street names. */
export const lastNames = [
  'Ashworth',
  'Brennan',
  'Carver',
  'Dalton',
  'Ellison',
  'Fairbairn',
  'Goddard',
  'Hargreaves',
  'Ingram',
  'Jessop',
  'Kershaw',
  'Lomax',
  'Marsden',
  'Nuttall',
  'Oakley',
  'Pickering',
  'Quinlan',
  'Rowntree',
  'Sutcliffe',
  'Thwaite',
  'Underwood',
  'Varley',
  'Whitworth',
  'Yates',
  'Ackroyd',
  'Blackburn',
  'Crossley',
  'Duckworth',
  'Eastwood',
  'Fothergill',
  'Greenhalgh',
  'Holroyd',
  'Illingworth',
  'Kitching',
  'Metcalfe',
  'Naylor',
  'Ormerod',
  'Pollard',
] as const;

/** Honorifics and suffixes occasionally put around a contact's name. */
export const namePrefixes = ['Mr.', 'Mrs.', 'Ms.', 'Dr.'] as const;
/** Generational suffixes, rare. */
export const nameSuffixes = ['Jr.', 'II', 'III'] as const;

/** Company-name endings. */
export const companySuffixes = [
  'Ltd',
  'Inc',
  'LLC',
  'Group',
  'and Sons',
  '& Co',
  'Holdings',
  'Trading',
] as const;

/** Street types for address lines. */
export const streetTypes = [
  'Road',
  'Lane',
  'Street',
  'Avenue',
  'Close',
  'Crescent',
  'Way',
  'Mews',
  'Parade',
  'Terrace',
  'Drive',
  'Gardens',
  'Row',
  'Court',
] as const;

/** Second address lines. */
export const secondLines = ['Unit', 'Suite', 'Floor', 'Building', 'Block'] as const;

/** Districts (counties and regions). */
export const districts = [
  'Lancashire',
  'North Yorkshire',
  'Cumbria',
  'Kent',
  'Devon',
  'Cheshire',
  'Norfolk',
  'Shropshire',
  'Durham',
  'Somerset',
  'Essex',
  'Dorset',
  'Northumberland',
  'Suffolk',
] as const;

/** Invented town names. */
export const cities = [
  'Halverton',
  'Brackley Cross',
  'Eastmoor',
  'Port Selwyn',
  'Kingsford Vale',
  'Ashby Marsh',
  'Northwick',
  'Greyhaven',
  'Millbrook',
  'Oakenshaw',
  'Fernleigh',
  'Stonebridge',
  'Westcliffe',
  'Redmarsh',
  'Lowerby',
  'Thornbury Hill',
  'Cold Ashfield',
  'Kestrel Bay',
  'Wynford',
  'Elmstead',
] as const;

/** Countries counterparties and delivery locations are in. */
export const countries = [
  'United Kingdom',
  'Ireland',
  'France',
  'Germany',
  'Netherlands',
  'Belgium',
  'Spain',
  'Portugal',
  'Italy',
  'Poland',
  'Sweden',
  'Norway',
  'Denmark',
  'Canada',
  'United States',
  'Australia',
  'New Zealand',
  'Japan',
  'South Africa',
  'Brazil',
  'Mexico',
  'Iceland',
] as const;

/** The eight departments; index 3 (id 4) is Dispatch in 'Leds', a typo kept from the live source. */
export const departments = [
  { name: 'Sales', location: 'Manchester', manager: 'Gwen Ashcroft' },
  { name: 'Purchasing', location: 'Manchester', manager: 'Desmond Pryor' },
  { name: 'Production', location: 'Leeds', manager: 'Harriet Coulson' },
  { name: 'Dispatch', location: 'Leds', manager: 'Viktor Adebayo' },
  { name: 'Finance', location: 'Manchester', manager: 'Lorna Featherstone' },
  { name: 'Facilities', location: 'Manchester', manager: 'Colin Mabbott' },
  { name: 'Marketing', location: 'Leeds', manager: 'Saoirse Lindqvist' },
  { name: 'People', location: 'Leeds', manager: 'Rupert Okonjo' },
] as const;

/** Names a department may be renamed to. */
export const departmentRenames = [
  'Sales & Marketing',
  'Procurement',
  'Manufacturing',
  'Logistics',
  'Accounts',
  'Estates',
  'Communications',
  'People & Culture',
  'Customer Service',
  'Operations',
] as const;

/** Design names: the material or feel of a tote. */
export const designNames = [
  'Canvas',
  'Cotton',
  'Jute',
  'Linen',
  'Hemp',
  'Denim',
  'Leather',
  'Wool',
  'Bamboo',
  'Cork',
  'Nylon',
  'Felt',
  'Tweed',
  'Suede',
  'Recycled',
  'Velvet',
] as const;

/** Folders design files live in. */
export const designFolders = [
  '/srv/designs',
  '/srv/designs/archive',
  '/opt/totes/patterns',
  '/usr/share/designs',
  '/var/lib/designs',
  '/home/studio/work',
  '/home/studio/approved',
  '/mnt/nas/designs',
  '/data/patterns',
  '/data/patterns/legacy',
  '/etc/templates',
  '/tmp/uploads',
] as const;

/** Currency codes with their fixed ids (1-based position). */
export const currencyCodes = ['GBP', 'USD', 'EUR'] as const;
