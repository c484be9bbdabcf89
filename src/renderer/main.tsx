import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';
import { installWebBridgeIfNeeded } from './web-bridge';

// Electron's preload exposes window.openhands; in browser mode (`npm run web`) the WebSocket bridge does.
installWebBridgeIfNeeded();

const container = document.getElementById('root');
if (!container) throw new Error('index.html is missing the #root element');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
