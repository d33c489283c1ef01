// Entry point: start the session (token, URL state, collector) and mount the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startSession } from './actions/start-session.ts';
import { App } from './ui/app.tsx';
import './ui/app.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void startSession();
