import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import { celsius, type Reading } from './types';

const WIDTH = 960;
const HEIGHT = 260;
const PAD = { left: 52, right: 16, top: 14, bottom: 34 };

/**
 * A location's readings as a line over time, the target range as a green band, readings out of range in red, and an
 * excursion's span shaded when one is given. Drawn in SVG by React; the figures are also said in text for screen
 * readers (the chart is an image with a description).
 */
export function ReadingsChart({ readings, range, highlight, testId }: { readings: Reading[]; range: { minCelsius: number; maxCelsius: number }; highlight?: { start: string; end: string }; testId: string }) {
  const { t, i18n } = useTranslation();
  if (readings.length === 0) {
    return (
      <Text c="dimmed" data-testid={`${testId}-empty`}>
        {t('storage.chart.none')}
      </Text>
    );
  }
  const times = readings.map((r) => Date.parse(r.at));
  const values = readings.map((r) => r.celsius);
  const t0 = times[0]!;
  const t1 = Math.max(times[times.length - 1]!, t0 + 60_000);
  const low = Math.floor(Math.min(range.minCelsius, ...values) - 1);
  const high = Math.ceil(Math.max(range.maxCelsius, ...values) + 1);
  const x = (ms: number) => PAD.left + ((ms - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right);
  const y = (c: number) => PAD.top + ((high - c) / (high - low)) * (HEIGHT - PAD.top - PAD.bottom);
  const path = readings.map((r, i) => `${i === 0 ? 'M' : 'L'}${x(times[i]!).toFixed(1)},${y(r.celsius).toFixed(1)}`).join(' ');
  const out = readings.filter((r) => r.celsius < range.minCelsius || r.celsius > range.maxCelsius);
  const step = Math.max(1, Math.round((high - low) / 5));
  const ticks: number[] = [];
  for (let c = Math.ceil(low / step) * step; c <= high; c += step) ticks.push(c);
  const worst = values.reduce((a, b) => (Math.abs(b - (range.minCelsius + range.maxCelsius) / 2) > Math.abs(a - (range.minCelsius + range.maxCelsius) / 2) ? b : a));
  const description = t('storage.chart.description', {
    count: readings.length,
    from: formatDateTime(readings[0]!.at, i18n.language),
    to: formatDateTime(readings[readings.length - 1]!.at, i18n.language),
    min: celsius(range.minCelsius, i18n.language),
    max: celsius(range.maxCelsius, i18n.language),
    out: out.length,
    worst: celsius(worst, i18n.language),
  });
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={description} data-testid={testId} data-points={readings.length} data-out={out.length} style={{ maxWidth: WIDTH, display: 'block' }}>
      <rect x={PAD.left} y={y(range.maxCelsius)} width={WIDTH - PAD.left - PAD.right} height={y(range.minCelsius) - y(range.maxCelsius)} fill="var(--mantine-color-teal-1)" data-testid={`${testId}-band`} />
      {highlight && (
        <rect x={x(Math.max(t0, Date.parse(highlight.start)))} y={PAD.top} width={Math.max(2, x(Math.min(t1, Date.parse(highlight.end))) - x(Math.max(t0, Date.parse(highlight.start))))} height={HEIGHT - PAD.top - PAD.bottom} fill="var(--mantine-color-red-1)" />
      )}
      {ticks.map((c) => (
        <g key={c}>
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(c)} y2={y(c)} stroke="var(--mantine-color-gray-3)" strokeWidth={1} />
          <text x={PAD.left - 6} y={y(c) + 4} textAnchor="end" fontSize={12} fill="var(--mantine-color-gray-8)">
            {c} °C
          </text>
        </g>
      ))}
      <text x={PAD.left} y={HEIGHT - 10} fontSize={12} fill="var(--mantine-color-gray-8)">
        {formatDateTime(readings[0]!.at, i18n.language)}
      </text>
      <text x={WIDTH - PAD.right} y={HEIGHT - 10} fontSize={12} textAnchor="end" fill="var(--mantine-color-gray-8)">
        {formatDateTime(readings[readings.length - 1]!.at, i18n.language)}
      </text>
      <path d={path} fill="none" stroke="var(--mantine-color-indigo-7)" strokeWidth={1.6} />
      {out.map((r) => (
        <circle key={r.at} cx={x(Date.parse(r.at))} cy={y(r.celsius)} r={3} fill="var(--mantine-color-red-8)" />
      ))}
    </svg>
  );
}
