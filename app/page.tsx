export default function Home() {
  return (
    <main>
      <h1>Hop</h1>
      <p>Short links that redirect in milliseconds, anywhere, with click analytics.</p>
      <ul>
        <li>
          <a href="/api/docs">API reference (Swagger UI)</a>
        </li>
        <li>
          <a href="/api/openapi.json">OpenAPI document</a>
        </li>
        <li>
          <a href="/api/health">Health</a>
        </li>
        <li>
          <a href="/report">Report an abusive link</a>
        </li>
      </ul>
    </main>
  );
}
