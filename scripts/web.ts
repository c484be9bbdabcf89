// `npm run web` — browser mode (main services + built renderer served on 127.0.0.1 over a WebSocket bridge).
// Placeholder until the bridge issue lands; it fails loudly rather than pretending to work.
process.stderr.write(
  'npm run web: browser mode is not implemented yet — it arrives with the typed bridge issue.\n' +
    'For now use `npm run dev` (Electron) or `npm run build`.\n',
);
process.exitCode = 1;
