import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import { useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { interpretScan } from '../../../shared/barcode/scan';
import { PASSWORD_MIN_LENGTH } from '../../../shared/contract/schemas';
import { setFieldText } from './scan/keyboardWedge';
import { FieldBurst, suffixKeys, type KeystrokeClass, type WedgeSuffix } from './scan/wedgeClassifier';
import { wedgeSettings } from './scan/wedgeSettings';

/**
 * Whether a scanner burst that filled a password field was a barcode rather than a password typed by a password
 * manager or a badge reader (which type as fast): the scanner's own framing (its prefix or AIM identifier), a GS1 pack
 * code, or fewer characters than any password Veil accepts. A long plain code from a scanner without framing cannot be
 * told from a password: set its prefix or AIM identifiers up on the Devices screen.
 */
export function burstIsBarcode(verdict: Extract<KeystrokeClass, { kind: 'scan' }>, now = new Date()): boolean {
  if (verdict.identified) return true;
  if ([...verdict.code].length < PASSWORD_MIN_LENGTH) return true;
  const scan = interpretScan(verdict.code, { now });
  return scan.kind === 'gs1' || scan.aim !== null;
}

/**
 * Mantine's PasswordInput, plus aria-invalid when it shows an error (its text inputs do this; it does not), plus the
 * scan guard (issue 11): a barcode scanned into a password field (the lock screen's, a signature's) ends with the
 * scanner's Enter, which would send it as the password and count a failed attempt. Such a burst is taken out of the
 * field and not sent; the field says why. A password typed fast by a password manager or a badge reader goes through.
 */
export function PasswordField({ onKeyDown, error, ...props }: PasswordInputProps & { 'data-testid'?: string }) {
  const { t } = useTranslation();
  const burst = useRef(new FieldBurst());
  const [scanRefused, setScanRefused] = useState(false);

  function keyDown(event: KeyboardEvent<HTMLInputElement>) {
    onKeyDown?.(event);
    const stroke = { key: event.key, time: event.timeStamp, withModifier: event.ctrlKey || event.metaKey || (event.altKey && event.key.length !== 1), repeat: event.repeat };
    if (!suffixKeys(wedgeSettings()).has(event.key)) {
      burst.current.key(stroke);
      if (event.key.length === 1 && scanRefused) setScanRefused(false);
      return;
    }
    const field = event.currentTarget;
    const { chars, verdict } = burst.current.judge(event.key as WedgeSuffix, event.timeStamp, wedgeSettings());
    if (verdict.kind !== 'scan' || chars !== field.value || !burstIsBarcode(verdict)) return;
    event.preventDefault();
    event.stopPropagation();
    setFieldText(field, '', 0);
    setScanRefused(true);
  }

  const shown = error ?? (scanRefused ? t('common.scanInPassword') : undefined);
  return <PasswordInput {...props} onKeyDown={keyDown} error={shown} aria-invalid={shown ? true : undefined} />;
}
