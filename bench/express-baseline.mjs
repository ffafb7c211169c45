// What a plain Express backend does for a short link: look the slug up in an
// in-memory map, remember the click in memory, redirect. No database, no
// validation, no logging: the bar the Node server mode should clear.
import express from 'express';

const links = new Map([[process.env.SLUG ?? 'bench-redirect', 'https://example.com/bench-target']]);
const clicks = [];
const app = express();
app.disable('x-powered-by');
app.get('/:slug', (req, res) => {
  const url = links.get(req.params.slug);
  if (!url) return res.status(404).json({ title: 'Not found' });
  clicks.push({ slug: req.params.slug, at: Date.now(), ua: req.get('user-agent') ?? null });
  if (clicks.length > 100_000) clicks.length = 0;
  res.set('Cache-Control', 'no-store').redirect(302, url);
});
app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
