import { encode } from 'uqr';

import type { Ecc } from './qr.schemas';

/**
 * The QR matrix as one SVG path (a run of dark modules per row segment):
 * a fraction of uqr's own renderSVG output, which draws one rect per module.
 */
export function renderQrSvg(text: string, options: { size: number; margin: number; ecc: Ecc }): string {
  const { data } = encode(text, { ecc: options.ecc, border: 0 });
  const modules = data.length;
  const total = modules + options.margin * 2;
  let path = '';
  for (let y = 0; y < modules; y++) {
    const row = data[y]!;
    for (let x = 0; x < modules; x++) {
      if (!row[x]) continue;
      let run = 1;
      while (x + run < modules && row[x + run]) run++;
      path += `M${x + options.margin} ${y + options.margin}h${run}v1h-${run}z`;
      x += run - 1;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${options.size}" height="${options.size}" ` +
    `viewBox="0 0 ${total} ${total}" shape-rendering="crispEdges">` +
    `<rect width="${total}" height="${total}" fill="#fff"/>` +
    `<path d="${path}" fill="#000"/></svg>`
  );
}
