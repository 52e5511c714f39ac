import { Table } from '@mantine/core';
import { useWindowVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState, type ReactElement, type ReactNode, type RefObject } from 'react';

/**
 * Long tables keep only the items near the screen in the page (issue 17, item 4; issue 12: at pharmacy scale the
 * reconciliation lists 50,000 kits and the patients page 20,000 patients). Short lists, like a single study's demo,
 * render whole, exactly as before.
 *
 * The page itself scrolls (no box inside the page with its own scrollbar): the items above and below the screen are
 * replaced by empty space of their height, so the scrollbar and Page Down keep the whole table's length. Search boxes
 * above these tables filter the whole list, so any item is one search away.
 */
interface WindowOptions<T> {
  items: readonly T[];
  itemKey: (item: T) => string;
  /** A typical item's height in pixels (measured for real once shown). */
  estimateHeight: number;
  /** From how many items on the list is windowed. */
  windowFrom?: number;
}

interface Window {
  windowed: boolean;
  shown: VirtualItem[];
  before: number;
  after: number;
  measure: (element: Element | null) => void;
  /** Put on the element where the list starts: the window is placed from its position in the page. */
  start: RefObject<HTMLTableSectionElement | HTMLTableRowElement | null>;
}

function useTableWindow<T>({ items, itemKey, estimateHeight, windowFrom = 200 }: WindowOptions<T>): Window {
  const windowed = items.length > windowFrom;
  const start = useRef<HTMLTableSectionElement | HTMLTableRowElement | null>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  useLayoutEffect(() => {
    if (!windowed || !start.current) return;
    const top = start.current.getBoundingClientRect().top + window.scrollY;
    if (Math.abs(top - scrollMargin) > 1) setScrollMargin(top);
  });
  const virtualizer = useWindowVirtualizer({
    count: items.length,
    estimateSize: () => estimateHeight,
    overscan: 8,
    scrollMargin,
    enabled: windowed,
    getItemKey: (index) => itemKey(items[index]!),
  });
  const shown = windowed ? virtualizer.getVirtualItems() : [];
  const before = shown.length ? shown[0]!.start - scrollMargin : 0;
  const after = shown.length ? virtualizer.getTotalSize() - (shown[shown.length - 1]!.end - scrollMargin) : 0;
  return { windowed, shown, before: Math.max(0, before), after: Math.max(0, after), measure: virtualizer.measureElement, start };
}

const spacerCell = (columns: number, height: number) => <td colSpan={columns} style={{ height, padding: 0, border: 0 }} />;

/** One <tbody> per item (an item may take two rows: a kit and its discrepancies). */
export function WindowedTableBodies<T>({ columns, renderItem, ...options }: WindowOptions<T> & { columns: number; renderItem: (item: T) => ReactNode }) {
  const w = useTableWindow(options);
  if (!w.windowed) return options.items.map((item) => <Table.Tbody key={options.itemKey(item)}>{renderItem(item)}</Table.Tbody>);
  return (
    <>
      <Table.Tbody ref={w.start as RefObject<HTMLTableSectionElement>} aria-hidden="true" data-windowed-spacer="before">
        <tr>{spacerCell(columns, w.before)}</tr>
      </Table.Tbody>
      {w.shown.map((row) => (
        <Table.Tbody key={row.key} ref={w.measure} data-index={row.index}>
          {renderItem(options.items[row.index]!)}
        </Table.Tbody>
      ))}
      <Table.Tbody aria-hidden="true" data-windowed-spacer="after">
        <tr>{spacerCell(columns, w.after)}</tr>
      </Table.Tbody>
    </>
  );
}

/**
 * One row per item, inside the caller's <tbody>. A striped table colours rows by their position among the rows: the
 * space before the window takes one row or two, so that each item's row keeps its own position's colour.
 */
export function WindowedTableRows<T>({ columns, renderRow, ...options }: WindowOptions<T> & { columns: number; renderRow: (item: T, ref: (element: Element | null) => void, index: number) => ReactElement }) {
  const w = useTableWindow(options);
  if (!w.windowed) return options.items.map((item, index) => renderRow(item, () => undefined, index));
  const first = w.shown[0]?.index ?? 0;
  return (
    <>
      <tr ref={w.start as RefObject<HTMLTableRowElement>} aria-hidden="true" data-windowed-spacer="before">
        {spacerCell(columns, w.before)}
      </tr>
      {/* Rows before the first shown item: one spacer stands for them; a second keeps the parity of positions. */}
      {first % 2 === 0 && (
        <tr aria-hidden="true" data-windowed-spacer="parity">
          {spacerCell(columns, 0)}
        </tr>
      )}
      {w.shown.map((row) => renderRow(options.items[row.index]!, w.measure, row.index))}
      <tr aria-hidden="true" data-windowed-spacer="after">
        {spacerCell(columns, w.after)}
      </tr>
    </>
  );
}
