// Writes public/favicon.ico: a white "h" on a blue disc, 16×16 and 32×32,
// drawn here (no image tools, no downloads). public/ is also the Workers
// assets directory, so `next start`, `next dev` and `wrangler dev` all serve it.
//   npx tsx scripts/favicon.ts
// ICO with 32-bit BMP images: every browser and OS reads them.
import { writeFileSync } from 'node:fs';

const BLUE = [0x25, 0x63, 0xeb]; // RGB
const WHITE = [0xff, 0xff, 0xff];

/** RGBA pixels, top row first, for a `size`×`size` icon. */
function draw(size: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const s = size / 16; // the design is on a 16-unit grid
  const inH = (x: number, y: number) => {
    const [u, v] = [x / s, y / s];
    const stem = u >= 4 && u < 6.5 && v >= 3 && v < 13; // left stem of the "h"
    const leg = u >= 9.5 && u < 12 && v >= 7.5 && v < 13; // right leg
    const arch = u >= 4 && u < 12 && v >= 6.5 && v < 9 && !(u >= 6.5 && u < 9.5 && v >= 8.5); // the shoulder
    return stem || leg || arch;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Coverage of the disc from a 4×4 supersample, for a smooth edge.
      let inside = 0;
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 4; j++) {
          const dx = x + (i + 0.5) / 4 - size / 2;
          const dy = y + (j + 0.5) / 4 - size / 2;
          if (dx * dx + dy * dy <= (size / 2) ** 2) inside++;
        }
      const o = (y * size + x) * 4;
      px.set(inH(x + 0.5, y + 0.5) ? WHITE : BLUE, o);
      px[o + 3] = Math.round((inside / 16) * 255);
    }
  }
  return px;
}

/** A BMP image as an ICO stores it: BITMAPINFOHEADER, BGRA rows bottom-up, then the 1-bit AND mask. */
function bmp(size: number, rgba: Uint8Array): Buffer {
  const maskRow = Math.ceil(size / 32) * 4;
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0); // biSize
  header.writeInt32LE(size, 4); // width
  header.writeInt32LE(size * 2, 8); // height: XOR image + AND mask
  header.writeUInt16LE(1, 12); // planes
  header.writeUInt16LE(32, 14); // bits per pixel
  header.writeUInt32LE(size * size * 4 + maskRow * size, 20); // image size
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = ((size - 1 - y) * size + x) * 4;
      pixels[to] = rgba[from + 2]!;
      pixels[to + 1] = rgba[from + 1]!;
      pixels[to + 2] = rgba[from]!;
      pixels[to + 3] = rgba[from + 3]!;
    }
  const mask = Buffer.alloc(maskRow * size); // all 0: the alpha channel decides
  return Buffer.concat([header, pixels, mask]);
}

export function favicon(sizes = [16, 32]): Buffer {
  const images = sizes.map((size) => bmp(size, draw(size)));
  const dir = Buffer.alloc(6 + 16 * sizes.length);
  dir.writeUInt16LE(0, 0); // reserved
  dir.writeUInt16LE(1, 2); // type: icon
  dir.writeUInt16LE(sizes.length, 4);
  let offset = dir.length;
  sizes.forEach((size, i) => {
    const e = 6 + 16 * i;
    dir.writeUInt8(size % 256, e); // width (0 means 256)
    dir.writeUInt8(size % 256, e + 1); // height
    dir.writeUInt16LE(1, e + 4); // planes
    dir.writeUInt16LE(32, e + 6); // bits per pixel
    dir.writeUInt32LE(images[i]!.length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += images[i]!.length;
  });
  return Buffer.concat([dir, ...images]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ico = favicon();
  writeFileSync('public/favicon.ico', ico);
  console.log(`public/favicon.ico: ${ico.length} bytes`);
}
