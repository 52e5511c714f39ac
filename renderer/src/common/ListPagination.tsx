import { Group, Pagination } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * The page buttons under a list the host gives a page at a time (audit trail, reconciliation's kits, patients due),
 * their arrows named in the user's language. Nothing is shown for a list of one page.
 */
export function ListPagination({ pages, page, onChange, testId }: { pages: number; page: number; onChange: (page: number) => void; testId: string }) {
  const { t } = useTranslation();
  if (pages <= 1) return null;
  return (
    <Group justify="center">
      <Pagination total={pages} value={page} onChange={onChange} getControlProps={(control) => ({ 'aria-label': t(`common.pagination.${control}`) })} data-testid={testId} />
    </Group>
  );
}
