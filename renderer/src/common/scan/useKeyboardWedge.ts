import { useEffect, useRef } from 'react';
import { attachKeyboardWedge } from './keyboardWedge';
import { wedgeSettings } from './wedgeSettings';
import { subscribeDeviceScans } from '../../devices/deviceScans';

export type WedgeScanSource = 'keyboard_wedge' | 'scanner';

/**
 * One keyboard-wedge listener for the window, on while at least one component wants scans. A burst goes to the most
 * recently mounted one (a scan goes to one place, never two). HID POS scanners' scans (read by the main process) take
 * the same way, with source 'scanner'.
 */
const handlers: Array<{ id: symbol; current: { fn: (code: string, source: WedgeScanSource) => void } }> = [];
let detach: (() => void) | null = null;

function ensureListening(): void {
  if (detach) return;
  detach = attachKeyboardWedge(window, {
    settings: wedgeSettings,
    onScan: (code) => handlers[handlers.length - 1]?.current.fn(code, 'keyboard_wedge'),
  });
  const stopDeviceScans = subscribeDeviceScans((code) => handlers[handlers.length - 1]?.current.fn(code, 'scanner'));
  const stopWedge = detach;
  detach = () => {
    stopWedge();
    stopDeviceScans();
  };
}

function stopWhenUnused(): void {
  if (handlers.length === 0 && detach) {
    detach();
    detach = null;
  }
}

/** While mounted and `enabled`, keyboard-wedge bursts anywhere in the window come to `onScan` (and land nowhere else). */
export function useKeyboardWedge(onScan: (code: string, source: WedgeScanSource) => void, enabled = true): void {
  const handler = useRef({ fn: onScan });
  useEffect(() => {
    handler.current.fn = onScan;
  }, [onScan]);

  useEffect(() => {
    if (!enabled) return;
    const entry = { id: Symbol('keyboard-wedge'), current: handler.current };
    handlers.push(entry);
    ensureListening();
    return () => {
      handlers.splice(handlers.indexOf(entry), 1);
      stopWhenUnused();
    };
  }, [enabled]);
}
