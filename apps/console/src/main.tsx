import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { loadConsoleConfig } from './map/console-config';
import { SessionProvider } from './session/session';
import './styles.css';

void loadConsoleConfig().then((config) => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <SessionProvider>
        <App config={config} />
      </SessionProvider>
    </StrictMode>,
  );
});
