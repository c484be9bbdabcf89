export function App() {
  const { appName } = window.openhands;
  return (
    <main>
      <h1>{appName}</h1>
      <p>Conversations will appear here once a server is configured.</p>
    </main>
  );
}
