import { Table } from '@mantine/core';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/**
 * The body of a long table, one <tbody> per item (an item may take two rows: a kit and its discrepancies), of which
 * only those near the screen are in the page once the list is long (issue 17, item 4; issue 12: at pharmacy scale the
 * reconciliation lists 50,000 kits). Short lists, like a single study's demo, render whole, exactly as before.
 *
 * The page itself scrolls (no box inside the page with its own scrollbar): the rows above and below the screen are
 * replaced by two empty bodies of their height, so the scrollbar, Page Down and the browser's find-in-page position
 * stay those of the whole table. Search boxes above these tables filter the whole list, so any kit is one search away.
 */
export function WindowedTableBodies<T>({
  items,
  itemKey,
  columns,
  estimateHeight,
  renderItem,
  windowFrom = 200,
}: {
  items: readonly T[];
  itemKey: (item: T) => string;
  columns: number;
  /** A typical item's height in pixels (measured for real once shown). */
  estimateHeight: number;
  renderItem: (item: T) => ReactNode;
  /** From how many items on the list is windowed. */
  windowFrom?: number;
}) {
  const windowed = items.length > windowFrom;
  const start = useRef<HTMLTableSectionElement>(null);
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

  if (!windowed) {
    return items.map((item) => <Table.Tbody key={itemKey(item)}>{renderItem(item)}</Table.Tbody>);
  }
  const shown = virtualizer.getVirtualItems();
  const before = shown.length ? shown[0]!.start - scrollMargin : 0;
  const after = shown.length ? virtualizer.getTotalSize() - (shown[shown.length - 1]!.end - scrollMargin) : 0;
  const spacer = (height: number, name: string) => (
    <Table.Tbody ref={name === 'before' ? start : undefined} aria-hidden="true" data-windowed-spacer={name}>
      <tr>
        <td colSpan={columns} style={{ height: Math.max(0, height), padding: 0, border: 0 }} />
      </tr>
    </Table.Tbody>
  );
  return (
    <>
      {spacer(before, 'before')}
      {shown.map((row) => (
        <Table.Tbody key={row.key} ref={virtualizer.measureElement} data-index={row.index}>
          {renderItem(items[row.index]!)}
        </Table.Tbody>
      ))}
      {spacer(after, 'after')}
    </>
  );
}
