import { useEffect, useState } from 'react';
import { APP_NAME } from '../shared/app-info';

export function App() {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    void window.openhands.conversations.list().then((result) => {
      if (result.ok) setCount(result.data.length);
    });
    return window.openhands.onStatusChanges(() => {
      void window.openhands.conversations.list().then((result) => {
        if (result.ok) setCount(result.data.length);
      });
    });
  }, []);
  return (
    <main>
      <h1>{APP_NAME}</h1>
      <p>
        {count === null || count === 0
          ? 'Conversations will appear here once a server is configured.'
          : `${count} conversations tracked.`}
      </p>
    </main>
  );
}
