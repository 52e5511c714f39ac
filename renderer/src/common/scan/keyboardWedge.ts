import { MAX_PAUSE_MS, WedgeTracker, type WedgeSettings } from './wedgeClassifier';

/**
 * The global keyboard-wedge listener: watches every keydown of the window (capture phase, before the page's own
 * handlers), and when the keys are a scanner burst takes them over, wherever the focus is: the burst never lands in
 * the text field that had the focus (what it typed before it was recognised is taken out again), and the code goes
 * to the scan handler. Human typing is left alone; characters held back from a run that turned out not to be a scan
 * are typed back into the field.
 *
 * Some places are never listened to (issue 11): a password field, anything inside a dialog (a signature, a reason, a
 * confirmation: what is typed there is the user's, and a scan must not act behind it), and the screens without a
 * session (login, lock, first start), marked `data-scan-off`. Keys there reach their field untouched.
 */

type TextEntry = HTMLInputElement | HTMLTextAreaElement;

const TEXT_INPUT_TYPES = new Set(['', 'text', 'search', 'password', 'tel', 'url', 'email', 'number']);

export function isTextEntry(element: Element | null): element is TextEntry {
  if (element instanceof HTMLTextAreaElement) return !element.readOnly && !element.disabled;
  if (element instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(element.type) && !element.readOnly && !element.disabled;
  return false;
}

/**
 * Whether keys typed with the focus here belong to that place alone: a password field (also while its text is shown,
 * when Mantine makes it type=text), a dialog, or a part of the page marked data-scan-off.
 */
export function isScanOffLimits(element: Element | null): boolean {
  if (!element) return false;
  // A scan field placed in a dialog on purpose takes scans there.
  if (element.closest('[data-scan-field]')) return false;
  if (element instanceof HTMLInputElement && (element.type === 'password' || /password/i.test(element.autocomplete))) return true;
  return element.closest('[role="dialog"], [aria-modal="true"], [data-scan-off]') !== null;
}

interface FieldSnapshot {
  element: TextEntry;
  value: string;
  start: number;
  end: number;
}

function selectionOf(element: TextEntry): { start: number; end: number } {
  try {
    const start = element.selectionStart;
    const end = element.selectionEnd;
    if (start !== null && end !== null) return { start, end };
  } catch {
    // type=number has no selection
  }
  return { start: element.value.length, end: element.value.length };
}

/** Sets a field's text the way typing does, so React's onChange sees it (a plain `value =` would be ignored). */
export function setFieldText(element: TextEntry, value: string, caret: number): void {
  const prototype = element instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(prototype, 'value')?.set?.call(element, value);
  element.dispatchEvent(new Event('input', { bubbles: true }));
  try {
    element.setSelectionRange(caret, caret);
  } catch {
    // type=number
  }
}

/** Silence (wall clock) after which a run without its suffix is ended and held-back characters are given back. */
const IDLE_END_MS = 1000;

export interface KeyboardWedgeOptions {
  settings: () => WedgeSettings;
  onScan: (code: string) => void;
}

/** Starts listening on the window; answers the function that stops. */
export function attachKeyboardWedge(win: Window, options: KeyboardWedgeOptions): () => void {
  const tracker = new WedgeTracker(options.settings);
  let snapshot: FieldSnapshot | null = null;
  let timer: number | undefined;

  const giveBack = (text: string) => {
    const field = snapshot;
    if (!field || !field.element.isConnected) return;
    const current = field.element.value;
    const start = Math.min(field.start, current.length);
    const end = Math.min(Math.max(field.end, start), current.length);
    setFieldText(field.element, current.slice(0, start) + text + current.slice(end), start + text.length);
  };

  const removeTyped = () => {
    const field = snapshot;
    if (!field || !field.element.isConnected) return;
    if (field.element.value !== field.value) setFieldText(field.element, field.value, field.start);
  };

  // The timer runs on the wall clock: no key at all has arrived for a good while, so the run stopped without its
  // suffix. Pauses between keys are judged on the keys' own timestamps (WedgeTracker); this timer only tidies up, so
  // it waits long enough that a busy window delivering a burst's keys late never cuts the burst in two.
  const onIdle = () => {
    timer = undefined;
    const held = tracker.flush();
    if (held) giveBack(held);
    snapshot = null;
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.isComposing) return;
    if (isScanOffLimits(event.target instanceof Element ? event.target : win.document.activeElement)) {
      // Not ours: anything held back goes back where it was typed, and the key goes its way.
      const held = tracker.flush();
      if (held) giveBack(held);
      snapshot = null;
      return;
    }
    const outcome = tracker.key({
      key: event.key,
      time: event.timeStamp,
      withModifier: event.ctrlKey || event.metaKey || (event.altKey && event.key.length !== 1),
      repeat: event.repeat,
    });
    if (outcome.giveBack) giveBack(outcome.giveBack);
    if (outcome.fresh) {
      const active = win.document.activeElement;
      snapshot = isTextEntry(active) ? { element: active, value: active.value, ...selectionOf(active) } : null;
    }
    if (outcome.removeTyped) removeTyped();
    if (outcome.prevent) {
      event.preventDefault();
      event.stopPropagation();
    }
    if (timer !== undefined) win.clearTimeout(timer);
    timer = tracker.pending ? win.setTimeout(onIdle, Math.max(IDLE_END_MS, MAX_PAUSE_MS * 4)) : undefined;
    if (outcome.scan !== null) {
      snapshot = null;
      options.onScan(outcome.scan);
    }
  };

  win.addEventListener('keydown', onKeyDown, { capture: true });
  return () => {
    win.removeEventListener('keydown', onKeyDown, { capture: true });
    if (timer !== undefined) win.clearTimeout(timer);
  };
}
