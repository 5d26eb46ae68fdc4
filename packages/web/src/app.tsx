import { useEffect, useState } from 'react';

type Health = { status: string } | null;

export function App() {
  const [health, setHealth] = useState<Health>(null);
  useEffect(() => {
    fetch('/readyz')
      .then((r) => r.json() as Promise<{ status: string }>)
      .then(setHealth)
      .catch(() => setHealth({ status: 'unreachable' }));
  }, []);
  return (
    <main
      style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '2rem auto', padding: '0 1rem' }}
    >
      <h1>Копилка</h1>
      <p>Платформа программ лояльности. Loyalty platform.</p>
      <p>
        API: <a href="/docs">/docs</a> · <a href="/openapi.json">/openapi.json</a>
      </p>
      <p>Состояние / status: {health ? health.status : '…'}</p>
    </main>
  );
}
