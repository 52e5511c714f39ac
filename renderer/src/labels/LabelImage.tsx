import { Box, Image } from '@mantine/core';
import type { LabelPreviewData } from './labelTypes';

/** Width and height of a PNG from its IHDR chunk (bytes 16-23), read from the base64 text. */
export function pngSize(pngBase64: string): { width: number; height: number } {
  const head = atob(pngBase64.slice(0, 44));
  const u32 = (at: number) => ((head.charCodeAt(at) << 24) | (head.charCodeAt(at + 1) << 16) | (head.charCodeAt(at + 2) << 8) | head.charCodeAt(at + 3)) >>> 0;
  return { width: u32(16), height: u32(20) };
}

/**
 * Screen pixels per millimetre of label (about twice life size for the carton on a 96 dpi screen, three times for the
 * syringe's 9 mm tape): the 100 mm carton label fits the page and its smallest line reads; the syringe label's four
 * lines of small print read too, and both come out about as wide. The proportions are always the label's.
 */
export const PREVIEW_PX_PER_MM: Record<LabelPreviewData['kind'], number> = { carton: 8, syringe: 12 };

type LabelImageProps = { alt: string; testId?: string } & (
  | { /** A raster with no label behind it (a printer's test page, a scanned code), sized by its pixels. */ pngBase64: string; maxWidth?: number; preview?: never }
  | { /** A kit's label, sized by its millimetres. */ preview: LabelPreviewData; pngBase64?: never; maxWidth?: never }
);

/**
 * A 1-bit label raster on white.
 *
 * A kit's label (`preview`) is shown exactly as the printer will print it: at its physical proportions (width and
 * height in millimetres, never stretched to a box), with its edge drawn as the label stock's.
 *
 * A bare raster (`pngBase64`) is as wide as its container allows up to `maxWidth` (and at most 3x its size). A raster
 * smaller than that is enlarged with hard pixels, so every dot stays visible; a larger one is reduced smoothly
 * (reducing with hard pixels would drop whole rows and columns of dots). Plain CSS sizing: the image never widens its
 * container.
 */
export function LabelImage(props: LabelImageProps) {
  const { alt, testId } = props;
  if (props.preview) {
    const { preview } = props;
    return (
      <Box
        component="img"
        src={`data:image/png;base64,${preview.pngBase64}`}
        alt={alt}
        draggable={false}
        data-testid={testId}
        data-kit={preview.kitNumber}
        data-kind={preview.kind}
        data-width-mm={preview.widthMm}
        data-height-mm={preview.heightMm}
        style={{
          display: 'block',
          width: `${Math.round(preview.widthMm * PREVIEW_PX_PER_MM[preview.kind])}px`,
          maxWidth: '100%',
          height: 'auto',
          aspectRatio: `${preview.widthMm} / ${preview.heightMm}`,
          objectFit: 'contain',
          background: 'white',
          border: '1px solid var(--mantine-color-gray-5)',
          borderRadius: preview.kind === 'carton' ? 6 : 3,
          boxShadow: '0 1px 4px rgba(0, 0, 0, 0.18)',
        }}
      />
    );
  }
  const { pngBase64, maxWidth = 900 } = props;
  const natural = pngSize(pngBase64);
  const enlarged = natural.width < maxWidth;
  return (
    <Image
      src={`data:image/png;base64,${pngBase64}`}
      alt={alt}
      data-testid={testId}
      style={{
        display: 'block',
        width: '100%',
        maxWidth: Math.min(maxWidth, natural.width * 3),
        height: 'auto',
        aspectRatio: `${natural.width} / ${natural.height}`,
        background: 'white',
        boxShadow: '0 1px 4px rgba(0,0,0,0.25)',
        imageRendering: enlarged ? 'pixelated' : 'auto',
      }}
    />
  );
}
