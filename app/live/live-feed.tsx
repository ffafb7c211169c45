'use client';

import { useEffect, useRef, useState, type CSSProperties, type FormEvent } from 'react';

interface Click {
  id: string;
  slug: string;
  at: string;
  country: string | null;
  city: string | null;
  referrer: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  isBot: boolean;
}

const input: CSSProperties = {
  display: 'block',
  boxSizing: 'border-box',
  width: '100%',
  font: 'inherit',
  padding: '.4rem',
};
const MAX_SHOWN = 200;

/** A ticket's stream URL for this scope; `since` resumes where the last stream stopped. */
async function streamUrl(key: string, linkId: string, since: string | null): Promise<string> {
  const res = await fetch('/api/v1/clicks/stream/tickets', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(linkId ? { linkId: [linkId] } : {}),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.detail ?? `HTTP ${res.status}`);
  return since ? `${body.streamUrl}&since=${encodeURIComponent(since)}` : body.streamUrl;
}

export function LiveFeed() {
  const [clicks, setClicks] = useState<Click[]>([]);
  const [status, setStatus] = useState('Not connected.');
  const source = useRef<EventSource | null>(null);
  const stopped = useRef(true);
  useEffect(() => () => source.current?.close(), []);

  // EventSource reconnects by itself (sending Last-Event-ID) while its ticket
  // is valid; once it gives up (an expired ticket answers 401), a new ticket
  // resumes from the last event seen.
  async function connect(key: string, linkId: string, since: string | null) {
    let url: string;
    try {
      url = await streamUrl(key, linkId, since);
    } catch (error) {
      setStatus(`Could not connect: ${(error as Error).message}`);
      return;
    }
    if (stopped.current) return;
    let last = since;
    const events = new EventSource(url);
    source.current = events;
    events.addEventListener('ready', (e) => {
      last = (e as MessageEvent).lastEventId || last;
      setStatus('Connected: waiting for clicks.');
    });
    events.addEventListener('reset', (e) => {
      last = (e as MessageEvent).lastEventId;
      setStatus('Some clicks were too old to replay; showing new ones.');
    });
    events.addEventListener('click', (e) => {
      const message = e as MessageEvent;
      last = message.lastEventId;
      const click = JSON.parse(message.data) as Click;
      setClicks((shown) => [click, ...shown].slice(0, MAX_SHOWN));
    });
    events.onerror = () => {
      if (events.readyState !== EventSource.CLOSED || stopped.current) return;
      setStatus('Reconnecting…');
      setTimeout(() => void connect(key, linkId, last), 1_000);
    };
  }

  function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    source.current?.close();
    stopped.current = false;
    setClicks([]);
    setStatus('Connecting…');
    void connect(String(form.get('key')).trim(), String(form.get('linkId')).trim(), null);
  }

  return (
    <>
      <form onSubmit={start}>
        <label>
          API key
          <input style={input} name="key" type="password" required autoComplete="off" />
        </label>
        <label>
          Link id (empty: every link)
          <input style={input} name="linkId" autoComplete="off" />
        </label>
        <button type="submit" style={{ marginTop: '1rem', font: 'inherit' }}>
          Watch
        </button>
      </form>
      <p role="status">{status}</p>
      <ol aria-label="Clicks" style={{ paddingLeft: '1.2rem' }}>
        {clicks.map((click) => (
          <li key={click.id} data-click-id={click.id}>
            <time dateTime={click.at}>{new Date(click.at).toLocaleTimeString()}</time> /{click.slug} ·{' '}
            {[click.browser, click.os, click.device].filter(Boolean).join(', ') || 'unknown client'}
            {click.country ? ` · ${[click.city, click.country].filter(Boolean).join(', ')}` : ''}
            {click.referrer ? ` · from ${click.referrer}` : ''}
            {click.isBot ? ' · bot' : ''}
          </li>
        ))}
      </ol>
    </>
  );
}
