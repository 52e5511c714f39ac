import i18next from 'i18next';
import { en, type EnglishMessages } from './en';

/** A message name without i18next's plural suffix: `session.wrongCredentialsAttempts` names both of its forms. */
type WithoutPlural<N> = N extends `${infer Base}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? Base : N;

/** Every message key, `group.name`. */
export type MessageKey = { [G in keyof EnglishMessages]: `${G & string}.${WithoutPlural<keyof EnglishMessages[G] & string>}` }[keyof EnglishMessages];

type Group<K> = K extends `${infer G}.${string}` ? (G extends keyof EnglishMessages ? EnglishMessages[G] : never) : never;
type Name<K> = K extends `${string}.${infer N}` ? N : never;
/** The English text of a key (its `_other` form for a count). */
type TemplateOf<K extends MessageKey> = Name<K> extends keyof Group<K> ? Group<K>[Name<K>] : Group<K>[`${Name<K>}_other` & keyof Group<K>];
type Placeholders<S> = S extends `${string}{{${infer P}}}${infer Rest}` ? P | Placeholders<Rest> : never;

/** The parameters a key's text needs: the compiler refuses a missing or unknown one. */
export type MessageParams<K extends MessageKey> = { [P in Placeholders<TemplateOf<K>>]: P extends 'count' ? number : string | number };

/** A key and its parameters, as the core sends it: what the renderer translates, never English prose. */
export type Message = { [K in MessageKey]: Placeholders<TemplateOf<K>> extends never ? { key: K; params?: undefined } : { key: K; params: MessageParams<K> } }[MessageKey];

/** The same keys in another language: every group and every key of English, no more (checked by the compiler). */
export type Translation = { readonly [G in keyof EnglishMessages]: { readonly [N in keyof EnglishMessages[G]]: string } };

const english = i18next.createInstance();
void english.init({ lng: 'en', fallbackLng: false, resources: { en: { translation: en } }, initAsync: false, interpolation: { escapeValue: false }, returnNull: false, showSupportNotice: false });

/** The English text of a message: the error's `message` for logs, the command line and tests. */
export function englishOf(message: Message): string {
  // The renderer's typed keys (renderer/src/i18n/i18next.d.ts) do not describe this instance: it holds the catalogue only.
  const t = english.t as unknown as (key: string, options: Record<string, unknown>) => string;
  const text = t(message.key, message.params ?? {});
  if (text === message.key) throw new Error(`No English text for message key ${message.key}`);
  return text;
}
