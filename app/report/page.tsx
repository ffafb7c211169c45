import type { CSSProperties } from 'react';

// A plain HTML form: it works without JavaScript. It posts to the API
// (POST /api/v1/reports), which answers a form with a page of its own: the
// receipt, what to fix (422), or when to try again (429). Static: no code
// runs for it on the server.

export const metadata = { title: 'Report a link · Hop' };
export const dynamic = 'force-static';

const field: CSSProperties = { display: 'block', margin: '0 0 1rem' };
const input: CSSProperties = {
  display: 'block',
  boxSizing: 'border-box',
  width: '100%',
  marginTop: '.25rem',
  font: 'inherit',
  padding: '.4rem',
};
// Hidden from people (and from assistive technology), not from bots that fill every field.
const trap: CSSProperties = { position: 'absolute', left: '-10000px', width: '1px', height: '1px', overflow: 'hidden' };

const REASONS = [
  ['phishing', 'Phishing: it asks for passwords or payment details'],
  ['malware', 'Malware: it downloads something harmful'],
  ['spam', 'Spam'],
  ['illegal', 'Illegal content'],
  ['other', 'Something else'],
] as const;

export default function ReportPage() {
  return (
    <main>
      <h1>Report a link</h1>
      <p>Tell us about a Hop short link that leads somewhere harmful. We may take it down.</p>
      <form method="post" action="/api/v1/reports">
        <label style={field}>
          Short link (its URL or its name)
          <input style={input} name="link" required maxLength={2048} placeholder="https://hop.example/abc123" />
        </label>
        <label style={field}>
          What is wrong
          <select style={input} name="reason" required defaultValue="">
            <option value="" disabled>
              Choose one
            </option>
            {REASONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label style={field}>
          Details (optional)
          <textarea style={input} name="details" rows={5} maxLength={2000} />
        </label>
        <label style={field}>
          Your email, if we may ask you more (optional)
          <input style={input} name="email" type="email" maxLength={254} autoComplete="email" />
        </label>
        <div style={trap} aria-hidden="true">
          <label>
            Leave this empty
            <input name="homepage" tabIndex={-1} autoComplete="off" />
          </label>
        </div>
        <button type="submit" style={{ font: 'inherit', padding: '.5rem 1.25rem' }}>
          Send report
        </button>
      </form>
    </main>
  );
}
