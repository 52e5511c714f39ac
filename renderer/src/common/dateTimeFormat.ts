/**
 * The Intl.DateTimeFormat of a language and a style, made once and kept: building one costs far more than formatting
 * with it, and a screen formats dates on every render (the dispense screen's visit window on each scan, a table's rows).
 * A format without a timeZone keeps the workstation's zone as it was when first made.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

export function dateTimeFormat(language: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}
