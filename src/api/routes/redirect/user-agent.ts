import { isbot } from 'isbot';

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

// A redirect classifies every visitor, and the same few user agents make
// most of the traffic: remember recent answers (bounded) rather than run the
// bot pattern and the buckets' expressions on each click again.
const recent = new Map<string, UserAgentInfo & { isBot: boolean }>();
const RECENT_MAX = 1_000;
const RECENT_KEY_MAX = 512; // longer ones are rare, and would make the memory bound loose

/** The buckets and whether `ua` is a bot (isbot), for one visitor. */
export function classifyAgent(ua: string | undefined): UserAgentInfo & { isBot: boolean } {
  const key = ua ?? '';
  let info = recent.get(key);
  if (!info) {
    info = { ...parseUserAgent(ua), isBot: isbot(key) };
    if (key.length <= RECENT_KEY_MAX) {
      if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
      recent.set(key, info);
    }
  }
  return info;
}

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
