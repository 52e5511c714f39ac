import '@mantine/core/styles.css';
import './styles.css';
// The transport first: it takes the launch token out of the address bar before anything else reads the hash.
import './transport/client';
import './i18n';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
