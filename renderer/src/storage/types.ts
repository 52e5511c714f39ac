import type { ChannelOutput } from '../../../shared/contract';

/** The cold chain as the host shows it (coldChain.* channels): kit numbers only, never an arm. */
export type Location = ChannelOutput<'coldChain.locations'>[number];
export type KitPlace = ChannelOutput<'coldChain.kitLocations'>[number];
export type CaseSummary = ChannelOutput<'coldChain.excursions'>[number];
export type CaseView = ChannelOutput<'coldChain.excursion'>;
export type Reading = { at: string; celsius: number };

/** "2 h 05 min" from seconds, in either language (units are the same symbols in English and French). */
export function duration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = String(minutes % 60).padStart(2, '0');
  return days > 0 ? `${days} d ${hours} h ${rest} min` : `${hours} h ${rest} min`;
}

/** A temperature as people write it: one decimal, the language's decimal mark. */
export function celsius(value: number, language: string): string {
  return `${value.toLocaleString(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} °C`;
}
