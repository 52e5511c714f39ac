import { Alert, Badge, Button, Group, List, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCalendarCheck, IconCheck } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { formatDate } from '../common/dates';
import { SignatureDialog } from '../common/SignatureDialog';
import { SignedBy, type SignatureShown } from '../common/SignedBy';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { ErrorAlert } from '../common/ErrorAlert';

type Review = ChannelOutput<'allocation.useBeforeReview'>;

/** How many kit numbers are listed before "and N more". */
const SHOWN = 40;

/**
 * The common blinded use-before date (issue 11, item 1), for the unblinded pharmacist: the date in force on blinded
 * screens and labels, the date the dispensable stock calls for now, the kits whose labels change and the kits held
 * for their expiry (with their arms: a hold of one arm only is visible to blinded users as a quarantine). The move
 * is put in force by an e-signature; until then the date in force stays.
 */
type ReviewOf = Omit<Review, 'byKitType'>;
/** A confirmation under way: the date reviewed, what it changes, and the kit type it is for (null: the study's one date). */
type Confirming = { kitType: string | null; review: ReviewOf };

export function UseBeforePanel() {
  const { t, i18n } = useTranslation();
  const [review, setReview] = useState<Review | null>(null);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [confirmed, setConfirmed] = useState<{ date: string; kits: number; held: number; signature: SignatureShown } | null>(null);
  const load = useVeilAction();
  const { run } = load;

  const reload = useCallback(async () => {
    const result = await run(() => client.allocation.useBeforeReview({}));
    if (result.ok) setReview(result.value);
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const date = (iso: string) => formatDate(iso, i18n.language);
  const proposed = confirming?.review.proposed ?? null;

  return (
    <Stack gap="sm" data-testid="use-before-panel">
      <Title order={2} fz="h3">
        {t('setup.useBefore.title')}
      </Title>
      <ErrorAlert error={load.error} testId="use-before-error" />
      {confirmed && (
        <Alert variant="light" color="teal" icon={<IconCheck aria-hidden />} withCloseButton onClose={() => setConfirmed(null)} title={t('setup.useBefore.confirmed', { date: date(confirmed.date) })} data-testid="use-before-confirmed">
          <Stack gap={4}>
            <Text>{t('setup.useBefore.confirmedDetail', { count: confirmed.kits, held: confirmed.held })}</Text>
            <SignedBy signature={confirmed.signature} testId="use-before-signature" />
          </Stack>
        </Alert>
      )}
      {review && !review.byKitType && <ReviewOfStock review={review} onConfirm={() => setConfirming({ kitType: null, review })} />}
      {/* A study with kit types: each type has its own date, reviewed and confirmed on its own (bottle A, bottle B). */}
      {review?.byKitType?.map((ofType) => (
        <Stack key={ofType.kitType} gap="xs" data-testid={`use-before-type-${ofType.kitType}`}>
          <Title order={3} fz="h4">
            {ofType.kitTypeName}
          </Title>
          <ReviewOfStock review={ofType} onConfirm={() => setConfirming({ kitType: ofType.kitType, review: ofType })} />
        </Stack>
      ))}
      <SignatureDialog
        opened={confirming !== null}
        channel="allocation.confirmUseBefore"
        title={t('setup.useBefore.dialogTitle')}
        submitLabel={t('setup.useBefore.sign')}
        onSign={(signature) => client.allocation.confirmUseBefore({ useBefore: proposed!, ...(confirming?.kitType ? { kitType: confirming.kitType } : {}), signature })}
        onSigned={(answer) => {
          setConfirmed({ date: answer.useBefore, kits: answer.changes.length, held: answer.held.length, signature: answer.signature });
          setConfirming(null);
          void reload();
        }}
        onClose={() => setConfirming(null)}
      >
        {proposed && <Text>{t('setup.useBefore.dialogExplanation', { date: date(proposed), count: confirming!.review.changes.length, held: confirming!.review.toHold.length })}</Text>}
      </SignatureDialog>
    </Stack>
  );
}

/** One review: the whole stock's in a study without kit types, one type's otherwise. */
function ReviewOfStock({ review, onConfirm }: { review: ReviewOf; onConfirm: () => void }) {
  const { t, i18n } = useTranslation();
  const date = (iso: string) => formatDate(iso, i18n.language);
  const moves = review.proposed !== null && (review.changes.length > 0 || review.toHold.length > 0);
  const heldArms = new Set(review.held.map((h) => h.armCode));
  const kitList = (kits: string[]) => (kits.length > SHOWN ? `${kits.slice(0, SHOWN).join(', ')} ${t('setup.useBefore.more', { count: kits.length - SHOWN })}` : kits.join(', '));
  return (
    <>
      {!review.expiryReveals && <Text data-testid="use-before-own-dates">{t('setup.useBefore.ownDates')}</Text>}
      {review.expiryReveals && (
        <Stack gap="xs">
          <Group gap="xs">
            <Text>{t('setup.useBefore.inForce')}</Text>
            {review.inForce.map((d) => (
              <Badge key={d} variant="outline" size="lg" color={review.inForceShortDated ? 'orange.9' : 'gray'} data-testid="use-before-in-force">
                {date(d)}
              </Badge>
            ))}
          </Group>
          {review.inForceShortDated && (
            <Alert variant="light" color="orange" icon={<IconAlertTriangle aria-hidden />} data-testid="use-before-short-dated">
              {t('setup.useBefore.shortDated')}
            </Alert>
          )}
          {!moves && <Text data-testid="use-before-up-to-date">{t('setup.useBefore.upToDate')}</Text>}
          {moves && review.proposed && (
            <Stack gap="xs" data-testid="use-before-move">
              <Text fw={700}>{t('setup.useBefore.proposed', { date: date(review.proposed) })}</Text>
              {review.changes.length > 0 && (
                <Text data-testid="use-before-labels">
                  {t('setup.useBefore.labelsChange', { count: review.changes.length })} {kitList(review.changes.map((c) => c.kitNumber))}
                </Text>
              )}
              {review.toHold.length > 0 && (
                <Text data-testid="use-before-to-hold">
                  {t('setup.useBefore.toHold', { count: review.toHold.length })} {kitList(review.toHold)}
                </Text>
              )}
              <Group>
                <Button leftSection={<IconCalendarCheck size="1em" aria-hidden />} onClick={onConfirm} data-testid="use-before-confirm">
                  {t('setup.useBefore.confirm')}
                </Button>
              </Group>
            </Stack>
          )}
        </Stack>
      )}
      {review.held.length > 0 && (
        <Stack gap={4} data-testid="use-before-held">
          <Text>{t('setup.useBefore.held', { count: review.held.length })}</Text>
          <List size="sm">
            {review.held.slice(0, SHOWN).map((h) => (
              <List.Item key={h.kitNumber}>
                {t('setup.useBefore.heldKit', { kit: h.kitNumber, arm: h.armName, date: date(h.expiryDate), status: t(`setup.kitStatus.${h.status}`, { defaultValue: h.status }) })}
              </List.Item>
            ))}
          </List>
          {heldArms.size === 1 && (
            <Alert variant="light" color="orange" icon={<IconAlertTriangle aria-hidden />} data-testid="use-before-one-arm">
              {t('setup.useBefore.oneArm')}
            </Alert>
          )}
        </Stack>
      )}
    </>
  );
}
