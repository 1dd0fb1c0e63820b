import { PaymentTypeName } from './ddl';
import { createRandom, type Random } from './random';
import { formatDate, formatTimestamp, slotInstant, totesysTimeline } from './timeline';
import type {
  AddressRow,
  CounterpartyRow,
  CurrencyRow,
  DepartmentRow,
  DesignRow,
  PaymentTypeRow,
  StaffRow,
  TotesysSeed,
} from './types';
import {
  cities,
  companySuffixes,
  countries,
  currencyCodes,
  departments,
  designFolders,
  designNames,
  districts,
  firstNames,
  lastNames,
  namePrefixes,
  nameSuffixes,
  secondLines,
  streetTypes,
} from './vocabulary';

/** Row counts of the reference tables: fixed, whatever the scale. */
export const referenceRowCounts = {
  address: 30,
  counterparty: 20,
  currency: 3,
  department: 8,
  design: 473,
  payment_type: 4,
  staff: 20,
} as const;

/** How many addresses have a second line / a district (the live data has 10 of 30 and 16 of 30). */
const addressesWithSecondLine = 10;
const addressesWithDistrict = 16;
/** Designs that exist before the first order; the rest appear one by one over the order history. */
export const initialDesigns = 10;

const referenceStamp = formatTimestamp(totesysTimeline.referenceCreatedAt);
const peopleStamp = formatTimestamp(totesysTimeline.peopleCreatedAt);

/** The `address` rows: invented streets, towns and phones; some second lines and districts NULL. */
export function* addressRows(seed: TotesysSeed): Generator<AddressRow> {
  const random = createRandom(seed, 'address');
  const count = referenceRowCounts.address;
  const ids = random.shuffle(Array.from({ length: count }, (_, i) => i + 1));
  const withSecondLine = new Set(ids.slice(0, addressesWithSecondLine));
  const withDistrict = new Set(random.shuffle(ids).slice(0, addressesWithDistrict));
  for (let id = 1; id <= count; id++) {
    yield {
      address_id: id,
      address_line_1: streetLine(random),
      address_line_2: withSecondLine.has(id) ? `${random.pick(secondLines)} ${random.int(1, 40)}` : null,
      district: withDistrict.has(id) ? random.pick(districts) : null,
      city: random.pick(cities),
      postal_code: postalCode(random),
      country: random.pick(countries),
      phone: phoneNumber(random),
      created_at: referenceStamp,
      last_updated: referenceStamp,
    };
  }
}

/** The `counterparty` rows: invented companies with a legal address and two contacts. */
export function* counterpartyRows(seed: TotesysSeed): Generator<CounterpartyRow> {
  const random = createRandom(seed, 'counterparty');
  for (let id = 1; id <= referenceRowCounts.counterparty; id++) {
    yield {
      counterparty_id: id,
      counterparty_legal_name: companyName(random),
      legal_address_id: random.int(1, referenceRowCounts.address),
      commercial_contact: contactName(random),
      delivery_contact: contactName(random),
      created_at: peopleStamp,
      last_updated: peopleStamp,
    };
  }
}

/** The `currency` rows: GBP=1, USD=2, EUR=3. */
export function* currencyRows(): Generator<CurrencyRow> {
  for (const [index, code] of currencyCodes.entries()) {
    yield {
      currency_id: index + 1,
      currency_code: code,
      created_at: referenceStamp,
      last_updated: referenceStamp,
    };
  }
}

/** The `department` rows, including Dispatch in 'Leds'. */
export function* departmentRows(): Generator<DepartmentRow> {
  for (const [index, department] of departments.entries()) {
    yield {
      department_id: index + 1,
      department_name: department.name,
      location: department.location,
      manager: department.manager,
      created_at: referenceStamp,
      last_updated: referenceStamp,
    };
  }
}

/** The `payment_type` rows, one per enum value in declaration order. */
export function* paymentTypeRows(): Generator<PaymentTypeRow> {
  for (const [index, name] of Object.values(PaymentTypeName).entries()) {
    yield {
      payment_type_id: index + 1,
      payment_type_name: name,
      created_at: referenceStamp,
      last_updated: referenceStamp,
    };
  }
}

/** The `staff` rows: distinct invented people, mostly in Sales and Purchasing. */
export function* staffRows(seed: TotesysSeed): Generator<StaffRow> {
  const random = createRandom(seed, 'staff');
  const people = random.shuffle(
    firstNames.flatMap((first) => lastNames.map((last) => [first, last] as const)),
  );
  const departmentWeights = departments.map((_, index) => [index + 1, index < 2 ? 4 : 1] as const);
  for (let id = 1; id <= referenceRowCounts.staff; id++) {
    const [first, last] = people[id - 1] as readonly [string, string];
    yield {
      staff_id: id,
      first_name: first,
      last_name: last,
      department_id: random.weightedPick(departmentWeights),
      email_address: `${first.toLowerCase()}.${last.toLowerCase()}@terrifictotes.example`,
      created_at: peopleStamp,
      last_updated: peopleStamp,
    };
  }
}

/** When design `id` was created: the first few with the reference data, the rest spread over the order history. */
export function designCreatedAt(id: number, jitter: number): number {
  if (id <= initialDesigns) return totesysTimeline.referenceCreatedAt;
  const later = referenceRowCounts.design - initialDesigns;
  return slotInstant(
    id - initialDesigns - 1,
    later,
    jitter,
    totesysTimeline.ordersStart,
    totesysTimeline.ordersEnd,
  );
}

/** The highest design id certainly created by `instant`, so orders only reference designs that already exist. */
export function designsExistingAt(instant: number): number {
  const later = referenceRowCounts.design - initialDesigns;
  const span = totesysTimeline.ordersEnd - totesysTimeline.ordersStart;
  const completedSlots = Math.floor(((instant - totesysTimeline.ordersStart) * later) / span);
  return initialDesigns + Math.max(0, Math.min(later, completedSlots));
}

/** The `design` rows, ids growing with created_at; never updated. */
export function* designRows(seed: TotesysSeed): Generator<DesignRow> {
  const random = createRandom(seed, 'design');
  for (let id = 1; id <= referenceRowCounts.design; id++) {
    const created = designCreatedAt(id, random.next());
    const stamp = formatTimestamp(created);
    const name = random.pick(designNames);
    yield {
      design_id: id,
      created_at: stamp,
      design_name: name,
      file_location: random.pick(designFolders),
      file_name: designFileName(name, created - random.int(1, 730) * totesysTimeline.dayMs, random),
      last_updated: stamp,
    };
  }
}

/** `'<name>-YYYYMMDD-xxxx.json'`, the live naming pattern of design files. */
export function designFileName(name: string, drawnAt: number, random: Random): string {
  return `${name.toLowerCase()}-${formatDate(drawnAt).replaceAll('-', '')}-${designFileToken(random)}.json`;
}

/** The 4-character random tail of a design file name. */
export function designFileToken(random: Random): string {
  return token(random, 4);
}

/** A contact's name, occasionally with an honorific or a generational suffix. */
export function contactName(random: Random): string {
  const core = `${random.pick(firstNames)} ${random.pick(lastNames)}`;
  const prefix = random.chance(0.15) ? `${random.pick(namePrefixes)} ` : '';
  const suffix = random.chance(0.05) ? ` ${random.pick(nameSuffixes)}` : '';
  return `${prefix}${core}${suffix}`;
}

/** A street line such as `'482 Kershaw Crescent'`. */
export function streetLine(random: Random): string {
  return `${random.int(1, 9999)} ${random.pick(lastNames)} ${random.pick(streetTypes)}`;
}

/** A phone number in the live `'NNNN NNNNNN'` shape. */
export function phoneNumber(random: Random): string {
  return `${digits(random, 4)} ${digits(random, 6)}`;
}

function companyName(random: Random): string {
  const shape = random.int(0, 3);
  if (shape === 0)
    return `${random.pick(lastNames)}, ${random.pick(lastNames)} and ${random.pick(lastNames)}`;
  if (shape === 1) return `${random.pick(lastNames)}-${random.pick(lastNames)}`;
  return `${random.pick(lastNames)} ${random.pick(companySuffixes)}`;
}

function postalCode(random: Random): string {
  return random.chance(0.35) ? `${digits(random, 5)}-${digits(random, 4)}` : digits(random, 5);
}

function digits(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String(random.int(0, 9));
  return text;
}

const tokenAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

function token(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += tokenAlphabet[random.int(0, tokenAlphabet.length - 1)];
  return text;
}
