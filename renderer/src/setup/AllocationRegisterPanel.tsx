import { Alert, Badge, Button, Group, NativeSelect, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconAlertOctagon, IconEye, IconEyeOff, IconLock, IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { translatedError } from '../common/contractForm';
import { PasswordField } from '../common/PasswordField';
import { useVeilAction } from '../common/useVeilAction';
import { WindowedTableRows } from '../common/WindowedTableBodies';
import { client } from '../transport/client';
import { validateRegisterPassword } from './setupForms';
import { ErrorAlert } from '../common/ErrorAlert';
import { translateServerMessage } from '../i18n/serverMessages';

type Register = ChannelOutput<'allocation.register'>;

/** The register hides itself this long after it was opened (and at once on lock, logout or leaving the page). */
export const REGISTER_VISIBLE_MS = 2 * 60_000;

function unique(values: string[]): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b));
}

function armLabel(armName: string, armCode: string): string {
  return armName === armCode ? armCode : `${armName} (${armCode})`;
}

/** An arm in a table cell: its name, and its code below (the code is what the sponsor's lists use). */
function ArmCell({ name, code }: { name: string; code: string }) {
  return (
    <Table.Td>
      <Text fw={700} size="sm">
        {name}
      </Text>
      {name !== code && (
        <Text size="xs" c="dimmed" ff="monospace">
          {code}
        </Text>
      )}
    </Table.Td>
  );
}

/**
 * The unblinded allocation register (issue 3 item 8): after the password is entered again, every randomization slot and
 * kit with its arm. Every opening is an audit event (host side). It says on screen that it is unblinded, hides on
 * request, after two minutes, when the window is hidden, and with the page (lock and logout unmount it).
 */
export function AllocationRegisterPanel() {
  const { t } = useTranslation();
  const form = useForm<{ password: string }>({ initialValues: { password: '' }, validate: validateRegisterPassword });
  const [register, setRegister] = useState<Register | null>(null);
  const [openedAt, setOpenedAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [view, setView] = useState<'slots' | 'kits'>('slots');
  const [hiddenBecause, setHiddenBecause] = useState<'asked' | 'timeout' | 'window' | null>(null);
  const action = useVeilAction();

  function hide(because: 'asked' | 'timeout' | 'window') {
    setRegister(null);
    setOpenedAt(null);
    setHiddenBecause(because);
  }

  async function open(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
    const { password } = form.values;
    const result = await action.run(() => client.allocation.register({ password }));
    form.setFieldValue('password', '');
    if (result.ok) {
      setHiddenBecause(null);
      setRegister(result.value);
      setOpenedAt(Date.now());
      setNow(Date.now());
    }
  }

  // Hide after two minutes, and as soon as the window is hidden (another application, minimised).
  useEffect(() => {
    if (openedAt === null) return;
    const tick = window.setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current - openedAt >= REGISTER_VISIBLE_MS) hide('timeout');
    }, 1000);
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') hide('window');
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.clearInterval(tick);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [openedAt]);

  if (!register || openedAt === null) {
    return (
      <Stack gap="md" maw={720} data-testid="register-closed">
        <Title order={2} fz="h3">
          {t('setup.register.title')}
        </Title>
        {hiddenBecause && (
          <Alert variant="light" color="gray" icon={<IconLock aria-hidden />} data-testid="register-hidden" data-because={hiddenBecause}>
            {t(`setup.register.hidden.${hiddenBecause}`)}
          </Alert>
        )}
        <Text>{t('setup.register.explanation')}</Text>
        <Alert variant="light" color="orange" icon={<IconEye aria-hidden />}>
          {t('setup.register.checkSurroundings')}
        </Alert>
        <form onSubmit={open} noValidate>
          <Stack gap="md">
            <PasswordField
              label={t('setup.register.password')}
              value={form.values.password}
              onChange={(e) => form.setFieldValue('password', e.currentTarget.value)}
              error={translatedError(form.errors, 'password', translateServerMessage, t) ?? action.fieldError('password')}
              autoComplete="current-password"
              data-testid="register-password"
            />
            <ErrorAlert error={action.error} testId="register-error" />
            <Group>
              <Button type="submit" color="orange.9" leftSection={<IconEye size="1.1em" aria-hidden />} loading={action.busy} data-testid="register-open">
                {t('setup.register.open')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    );
  }

  const left = Math.max(0, Math.ceil((REGISTER_VISIBLE_MS - (now - openedAt)) / 1000));
  return (
    <Stack gap="md" data-testid="register-open-view">
      <Alert
        variant="filled"
        color="red.9"
        icon={<IconAlertOctagon aria-hidden />}
        title={t('setup.register.bannerTitle')}
        data-testid="register-banner"
        styles={{ title: { fontSize: 'var(--mantine-font-size-xl)', letterSpacing: '0.03em' } }}
      >
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Text c="white">{t('setup.register.bannerBody', { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` })}</Text>
          <Button variant="white" color="red.9" leftSection={<IconEyeOff size="1.1em" aria-hidden />} onClick={() => hide('asked')} data-testid="register-hide">
            {t('setup.register.hide')}
          </Button>
        </Group>
      </Alert>
      <SegmentedControl
        value={view}
        onChange={(v) => setView(v === 'kits' ? 'kits' : 'slots')}
        data={[
          { value: 'slots', label: t('setup.register.slotsTab', { count: register.slots.length }) },
          { value: 'kits', label: t('setup.register.kitsTab', { count: register.kits.length }) },
        ]}
        style={{ alignSelf: 'flex-start' }}
        data-testid="register-view"
      />
      {view === 'slots' ? <SlotsTable slots={register.slots} /> : <KitsTable kits={register.kits} />}
    </Stack>
  );
}

function SlotsTable({ slots }: { slots: Register['slots'] }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [arm, setArm] = useState('');
  const [stratum, setStratum] = useState('');
  const arms = useMemo(() => unique(slots.map((s) => s.armCode)), [slots]);
  const strata = useMemo(() => unique(slots.map((s) => s.stratum)), [slots]);
  const names = useMemo(() => new Map(slots.map((s) => [s.armCode, s.armName])), [slots]);
  const shown = slots.filter(
    (s) =>
      (!search || s.randomizationNumber.toLowerCase().includes(search.trim().toLowerCase()) || s.block.toLowerCase() === search.trim().toLowerCase()) &&
      (!arm || s.armCode === arm) &&
      (!stratum || s.stratum === stratum),
  );
  return (
    <Stack gap="sm">
      <Group gap="md" align="flex-end">
        <TextInput
          label={t('setup.register.searchSlot')}
          leftSection={<IconSearch size="1em" aria-hidden />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          data-testid="register-slot-search"
        />
        <NativeSelect
          label={t('setup.register.arm')}
          value={arm}
          onChange={(e) => setArm(e.currentTarget.value)}
          data={[{ value: '', label: t('setup.register.all') }, ...arms.map((a) => ({ value: a, label: armLabel(names.get(a) ?? a, a) }))]}
          data-testid="register-slot-arm"
        />
        <NativeSelect
          label={t('setup.register.stratum')}
          value={stratum}
          onChange={(e) => setStratum(e.currentTarget.value)}
          data={[{ value: '', label: t('setup.register.all') }, ...strata]}
        />
        <Text c="dimmed" pb={8} data-testid="register-slot-count">
          {t('setup.register.shown', { count: shown.length, total: slots.length })}
        </Text>
      </Group>
      <Table.ScrollContainer minWidth={600}>
        <Table striped withTableBorder verticalSpacing={4} fz="sm" data-testid="register-slots-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('setup.register.randomizationNumber')}</Table.Th>
              <Table.Th>{t('setup.register.block')}</Table.Th>
              <Table.Th>{t('setup.register.stratum')}</Table.Th>
              <Table.Th>{t('setup.register.arm')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <WindowedTableRows
              items={shown}
              itemKey={(s) => s.randomizationNumber}
              columns={4}
              estimateHeight={58}
              renderRow={(s, measure, index) => (
                <Table.Tr key={s.randomizationNumber} ref={measure} data-index={index}>
                  <Table.Td ff="monospace">{s.randomizationNumber}</Table.Td>
                  <Table.Td>{s.block}</Table.Td>
                  <Table.Td>{s.stratum}</Table.Td>
                  <ArmCell name={s.armName} code={s.armCode} />
                </Table.Tr>
              )}
            />
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function KitsTable({ kits }: { kits: Register['kits'] }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [arm, setArm] = useState('');
  const [lot, setLot] = useState('');
  const [status, setStatus] = useState('');
  const arms = useMemo(() => unique(kits.map((k) => k.armCode)), [kits]);
  const lots = useMemo(() => unique(kits.map((k) => k.lot)), [kits]);
  const statuses = useMemo(() => unique(kits.map((k) => k.status)), [kits]);
  const names = useMemo(() => new Map(kits.map((k) => [k.armCode, k.armName])), [kits]);
  const statusLabel = (s: string) => (t as unknown as (key: string, options: { defaultValue: string }) => string)(`setup.kitStatus.${s}`, { defaultValue: s });
  const shown = kits.filter(
    (k) =>
      (!search || k.kitNumber.toLowerCase().includes(search.trim().toLowerCase())) &&
      (!arm || k.armCode === arm) &&
      (!lot || k.lot === lot) &&
      (!status || k.status === status),
  );
  return (
    <Stack gap="sm">
      <Group gap="md" align="flex-end">
        <TextInput
          label={t('setup.register.searchKit')}
          w={180}
          leftSection={<IconSearch size="1em" aria-hidden />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          data-testid="register-kit-search"
        />
        <NativeSelect
          label={t('setup.register.arm')}
          value={arm}
          onChange={(e) => setArm(e.currentTarget.value)}
          data={[{ value: '', label: t('setup.register.all') }, ...arms.map((a) => ({ value: a, label: armLabel(names.get(a) ?? a, a) }))]}
          data-testid="register-kit-arm"
          w={230}
        />
        <NativeSelect w={150} label={t('setup.register.lot')} value={lot} onChange={(e) => setLot(e.currentTarget.value)} data={[{ value: '', label: t('setup.register.all') }, ...lots]} />
        <NativeSelect
          w={190}
          label={t('setup.register.status')}
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value)}
          data={[{ value: '', label: t('setup.register.all') }, ...statuses.map((s) => ({ value: s, label: statusLabel(s) }))]}
        />
        <Text c="dimmed" pb={8} data-testid="register-kit-count">
          {t('setup.register.shown', { count: shown.length, total: kits.length })}
        </Text>
      </Group>
      <Table.ScrollContainer minWidth={760}>
        <Table striped withTableBorder verticalSpacing={4} fz="sm" data-testid="register-kits-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('setup.register.kitNumber')}</Table.Th>
              <Table.Th>{t('setup.register.arm')}</Table.Th>
              <Table.Th>{t('setup.register.lot')}</Table.Th>
              <Table.Th>{t('setup.register.expiry')}</Table.Th>
              <Table.Th>{t('setup.register.blindedLot')}</Table.Th>
              <Table.Th>{t('setup.register.useBefore')}</Table.Th>
              <Table.Th>{t('setup.register.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <WindowedTableRows
              items={shown}
              itemKey={(k) => k.kitNumber}
              columns={7}
              estimateHeight={66}
              renderRow={(k, measure, index) => (
                <Table.Tr key={k.kitNumber} ref={measure} data-index={index} data-testid={`register-kit-${k.kitNumber}`}>
                  <Table.Td ff="monospace">{k.kitNumber}</Table.Td>
                  <ArmCell name={k.armName} code={k.armCode} />
                  <Table.Td ff="monospace">{k.lot}</Table.Td>
                  <Table.Td>{k.expiryDate}</Table.Td>
                  <Table.Td ff="monospace">{k.blindedLot}</Table.Td>
                  <Table.Td>{k.useBefore}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color="gray" className="veil-badges">
                      {statusLabel(k.status)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              )}
            />
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
