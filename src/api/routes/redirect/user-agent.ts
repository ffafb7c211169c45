// Coarse browser / OS / device buckets for analytics. A full UA parser
// (ua-parser-js and the like) weighs tens of KB on the redirect path for
// detail nobody charts; order matters below (Edge says Chrome, Chrome says Safari).

export interface UserAgentInfo {
  browser: string | null;
  os: string | null;
  device: 'mobile' | 'tablet' | 'desktop' | null;
}

const BROWSERS: [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/Windows NT/, 'Windows'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

export function parseUserAgent(ua: string | undefined): UserAgentInfo {
  if (!ua) return { browser: null, os: null, device: null };
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? null;
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null;
  const device = /iPad|Tablet|Android(?!.*Mobile)/.test(ua)
    ? 'tablet'
    : /Mobi|iPhone|iPod|Android/.test(ua)
      ? 'mobile'
      : os
        ? 'desktop'
        : null;
  return { browser, os, device };
}
