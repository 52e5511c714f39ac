import { Alert, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { saidText } from '../i18n/serverMessages';

interface SaidProblem {
  message: string;
  key?: string | undefined;
  params?: Record<string, string | number> | undefined;
}

/** Where a problem is in the file: a column of the table (a list's line and column, a study file's path). */
export interface ProblemPlace<P> {
  header: string;
  width: number;
  cell: (problem: P) => ReactNode;
}

/**
 * Every problem of a sponsor's file that cannot be imported or loaded (a list, a study configuration): what to do in
 * the alert, then one row per problem, where it is and what it is, said in the user's language when the core gave its
 * key.
 */
export function FileProblems<P extends SaidProblem>({
  title,
  body,
  places,
  problems,
  minWidth,
  testId,
  tableTestId,
  rowProps,
}: {
  title: string;
  body: string;
  places: Array<ProblemPlace<P>>;
  problems: P[];
  minWidth: number;
  testId: string;
  tableTestId?: string;
  rowProps?: (problem: P) => Record<string, string | number>;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" data-testid={testId}>
      <Alert variant="light" color="red" icon={<IconAlertTriangle aria-hidden />} title={title}>
        {body}
      </Alert>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table striped withTableBorder verticalSpacing="xs" data-testid={tableTestId}>
          <Table.Thead>
            <Table.Tr>
              {places.map((place) => (
                <Table.Th key={place.header} w={place.width}>
                  {place.header}
                </Table.Th>
              ))}
              <Table.Th>{t('setup.import.problem')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {problems.map((p, i) => (
              <Table.Tr key={i} {...rowProps?.(p)}>
                {places.map((place) => (
                  <Table.Td key={place.header}>{place.cell(p)}</Table.Td>
                ))}
                <Table.Td>{saidText(p, t) ?? p.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

/** A place in the file in monospace, as the file writes it. */
export function FilePlace({ children }: { children: ReactNode }) {
  return (
    <Text ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
      {children}
    </Text>
  );
}
