/**
 * ISO 4217 names of the currencies a retailer like Terrific Totes trades in. totesys holds only the codes;
 * dim_currency.currency_name comes from here. A code that is not listed keeps its code as its name.
 */
export const currencyNames: Readonly<Record<string, string>> = {
  AUD: 'Australian Dollar',
  BRL: 'Brazilian Real',
  CAD: 'Canadian Dollar',
  CHF: 'Swiss Franc',
  CNY: 'Yuan Renminbi',
  CZK: 'Czech Koruna',
  DKK: 'Danish Krone',
  EUR: 'Euro',
  GBP: 'Pound Sterling',
  HKD: 'Hong Kong Dollar',
  HUF: 'Forint',
  INR: 'Indian Rupee',
  JPY: 'Yen',
  KRW: 'Won',
  MXN: 'Mexican Peso',
  NOK: 'Norwegian Krone',
  NZD: 'New Zealand Dollar',
  PLN: 'Zloty',
  SEK: 'Swedish Krona',
  SGD: 'Singapore Dollar',
  TRY: 'Turkish Lira',
  USD: 'US Dollar',
  ZAR: 'Rand',
};

/** The ISO 4217 name of a currency code, or the code itself when it is not known. */
export function currencyName(code: string): string {
  return currencyNames[code.toUpperCase()] ?? code;
}
