import { Image } from '@mantine/core';

/** Width and height of a PNG from its IHDR chunk (bytes 16-23), read from the base64 text. */
export function pngSize(pngBase64: string): { width: number; height: number } {
  const head = atob(pngBase64.slice(0, 44));
  const u32 = (at: number) => ((head.charCodeAt(at) << 24) | (head.charCodeAt(at + 1) << 16) | (head.charCodeAt(at + 2) << 8) | head.charCodeAt(at + 3)) >>> 0;
  return { width: u32(16), height: u32(20) };
}

/**
 * A 1-bit label raster, as wide as its container allows up to `maxWidth` (and at most 3x its size). A raster smaller
 * than that is enlarged with hard pixels, so every dot stays visible; a larger one is reduced smoothly (reducing with
 * hard pixels would drop whole rows and columns of dots). Plain CSS sizing: the image never widens its container.
 */
export function LabelImage({ pngBase64, alt, maxWidth = 900, testId }: { pngBase64: string; alt: string; maxWidth?: number; testId?: string }) {
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
