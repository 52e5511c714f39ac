import { PNG } from 'pngjs';
import type { Bitmap } from './raster';

/**
 * The preview the user sees: the label's 1-bit raster as a grayscale PNG (black ink on white), optionally scaled up by
 * a whole factor (nearest neighbour, so every printer dot stays a crisp square), with a pHYs chunk giving the
 * resolution so viewers and the PDF tools show it at its physical size. Deterministic: same bitmap, same bytes.
 */
export function bitmapToPng(bitmap: Bitmap, options: { dpi?: number; scale?: number } = {}): Buffer {
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError('the PNG scale is a whole number >= 1');
  const width = bitmap.width * scale;
  const height = bitmap.height * scale;
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const gray = Buffer.alloc(width * height, 0xff);
  for (let y = 0; y < height; y++) {
    const src = Math.floor(y / scale) * bitmap.width;
    for (let x = 0; x < width; x++) if (bitmap.data[src + Math.floor(x / scale)]) gray[y * width + x] = 0;
  }
  png.data = gray;
  const encoded = PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false, deflateLevel: 9 });
  return options.dpi ? withPhys(encoded, options.dpi * scale) : encoded;
}

/** Reads a PNG written by bitmapToPng (or any grayscale/RGB PNG) back into a 1-bit bitmap (dark < 128 = black). */
export function pngToBits(png: Buffer): { width: number; height: number; data: Uint8Array } {
  const decoded = PNG.sync.read(png);
  const data = new Uint8Array(decoded.width * decoded.height);
  for (let i = 0; i < data.length; i++) data[i] = decoded.data[i * 4]! < 128 ? 1 : 0;
  return { width: decoded.width, height: decoded.height, data };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Inserts a pHYs chunk (pixels per metre) right after IHDR. */
function withPhys(png: Buffer, dpi: number): Buffer {
  const ppm = Math.round(dpi / 0.0254);
  const chunk = Buffer.alloc(4 + 4 + 9 + 4);
  chunk.writeUInt32BE(9, 0);
  chunk.write('pHYs', 4, 'ascii');
  chunk.writeUInt32BE(ppm, 8);
  chunk.writeUInt32BE(ppm, 12);
  chunk.writeUInt8(1, 16); // unit: metre
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 17)), 17);
  const ihdrEnd = 8 + 4 + 4 + 13 + 4; // signature + IHDR (length, type, data, crc)
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}
