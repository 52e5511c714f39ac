import 'i18next';
import type { en } from './resources';

// Translation keys are checked by the compiler: a typo in t('...') fails `tsc`.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
    returnNull: false;
  }
}
