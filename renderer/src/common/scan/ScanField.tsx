import { Loader, TextInput } from '@mantine/core';
import { IconBarcode } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { z } from 'zod';
import type { ScanSource } from '../../../../shared/contract/pharmacy';
import { isScanOffLimits, isTextEntry } from './keyboardWedge';
import { useKeyboardWedge } from './useKeyboardWedge';

export type ScanSourceValue = z.infer<typeof ScanSource>;

export interface ScanFieldProps {
  label: string;
  description?: string;
  placeholder?: string;
  /** A scan: from a keyboard-wedge burst anywhere in the window, or typed here and ended with Enter ('manual'). */
  onScan: (code: string, source: ScanSourceValue) => void;
  busy?: boolean;
  /** Take the focus back whenever it leaves for something that is not a text field or a dialog (default true). */
  keepFocus?: boolean;
  testId?: string;
  /** Enter in the empty field: the screen's next step by keyboard (dispensing: confirm and sign once all kits are in). */
  onEnterEmpty?: () => void;
}

const TYPED_INPUTS = new Set(['', 'text', 'search', 'password', 'tel', 'url', 'email', 'number', 'date', 'time', 'datetime-local', 'month', 'week']);

/**
 * The focus may stay where it went: another field (text, select, combobox, even read-only), or anything inside a
 * dialog, a menu or a list of options.
 */
function focusMayStay(element: Element | null): boolean {
  if (!element || element === document.body) return false;
  if (isTextEntry(element) || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement) return true;
  if (element instanceof HTMLInputElement && TYPED_INPUTS.has(element.type)) return true;
  return element.closest('[role="dialog"], [role="menu"], [role="listbox"], [role="combobox"], [data-scan-keep-focus="false"]') !== null;
}

/**
 * The scan field: big, always focused on a scanning screen, with the keyboard-wedge listener behind it. A scanner
 * burst is taken from anywhere in the window (source 'keyboard_wedge'); a code typed here and ended with Enter is a
 * manual entry (source 'manual', 21 CFR 11.10(h)).
 */
export function ScanField({ label, description, placeholder, onScan, busy = false, keepFocus = true, testId = 'scan-field', onEnterEmpty }: ScanFieldProps) {
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);

  useKeyboardWedge(useCallback((code: string, source: 'keyboard_wedge' | 'scanner') => onScan(code, source), [onScan]));

  // Arriving on the screen (a patient just chosen in the patient search, a shipment opened), the scan field takes the
  // focus: a scan typed slowly by a busy machine would otherwise land as text in the field used before.
  useEffect(() => {
    const field = input.current;
    if (field && !field.disabled && !isScanOffLimits(document.activeElement)) field.focus();
  }, []);

  useEffect(() => {
    if (!keepFocus) return;
    let timer: number | undefined;
    // Tab and Shift+Tab move on on purpose (keyboard-first): the field takes the focus back after clicks, a closed
    // dialog or a re-render, not from someone walking the page with the keyboard.
    let lastTabAt = -Infinity;
    // Never while a button is held down (issue 11): taking the focus then scrolled the page under the pointer, and the
    // click landed elsewhere ("Finish the receipt" did nothing). The focus comes back after the click, without scrolling.
    let pointerDown = false;
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Tab' && !event.defaultPrevented) lastTabAt = performance.now();
    };
    const takeBack = () => {
      const field = input.current;
      if (pointerDown || !field || field.disabled || document.activeElement === field || focusMayStay(document.activeElement)) return;
      if (performance.now() - lastTabAt < 400) return;
      field.focus({ preventScroll: true });
    };
    const check = () => {
      if (timer !== undefined) window.clearTimeout(timer);
      timer = undefined;
      if (pointerDown) return;
      // After the click or focus change has settled (a modal takes its focus a moment later).
      timer = window.setTimeout(() => {
        timer = undefined;
        takeBack();
      }, 60);
    };
    const onPointerDown = () => {
      pointerDown = true;
      if (timer !== undefined) window.clearTimeout(timer);
      timer = undefined;
    };
    const onPointerUp = () => {
      pointerDown = false;
      check();
    };
    check();
    document.addEventListener('keydown', onKey);
    document.addEventListener('focusin', check);
    document.addEventListener('focusout', check);
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('pointerup', onPointerUp, true);
    document.addEventListener('pointercancel', onPointerUp, true);
    return () => {
      if (timer !== undefined) window.clearTimeout(timer);
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('focusin', check);
      document.removeEventListener('focusout', check);
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('pointerup', onPointerUp, true);
      document.removeEventListener('pointercancel', onPointerUp, true);
    };
  }, [keepFocus]);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const code = value.trim();
    if (!code) {
      onEnterEmpty?.();
      return;
    }
    setValue('');
    onScan(code, 'manual');
  }

  return (
    <TextInput
      ref={input}
      size="xl"
      label={label}
      description={description}
      placeholder={placeholder}
      value={value}
      onChange={(e) => setValue(e.currentTarget.value)}
      onKeyDown={onKeyDown}
      leftSection={<IconBarcode size="1.4em" aria-hidden />}
      rightSection={busy ? <Loader size="sm" /> : undefined}
      autoComplete="off"
      autoCapitalize="none"
      spellCheck={false}
      data-autofocus
      data-testid={testId}
      data-scan-field
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: '1.6rem', letterSpacing: '0.04em' } }}
    />
  );
}
