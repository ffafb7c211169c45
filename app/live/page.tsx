import { LiveFeed } from './live-feed';

// The click feed in a browser: the key is pasted once and exchanged for
// short-lived stream tickets; the browser's own EventSource does the rest.

export const metadata = { title: 'Live clicks · Hop' };
export const dynamic = 'force-static';

export default function LivePage() {
  return (
    <main>
      <h1>Live clicks</h1>
      <p>
        Paste an API key (viewer or up) and a link id, and watch its clicks arrive. The key stays in this page: the
        stream is opened with a ticket good for 60 s.
      </p>
      <LiveFeed />
    </main>
  );
}
