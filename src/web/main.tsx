// Entry point: styles, react-query, and the share location read once from the URL.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, preloadSessionPage } from './App.js';
import { fetchLinkInfo } from './api/linkLookup.js';
import { dialEarly } from './session/earlyDial.js';
import { loadPrefs } from './prefs/prefs.js';
import { parseShareLocation } from './shareUrl.js';
import { applyThemeAttribute } from './ui/theme.js';
import './ui/styles.css';

applyThemeAttribute(loadPrefs().theme); // the remembered theme before the first paint
const share = parseShareLocation(window.location);
// Keep the address as it is (no redirect, nothing appended); the token never leaves in a query string.
window.history.replaceState(window.history.state, '', window.location.href);

const queryClient = new QueryClient();
// Start the link lookup, the terminal code and the attach socket now, before React's first render: on a
// cold open they are the critical path to the first prompt.
if (share) {
  dialEarly(share.wsUrl);
  void queryClient.prefetchQuery({ queryKey: ['link'], queryFn: ({ signal }) => fetchLinkInfo(share, signal) });
  void preloadSessionPage();
}
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App share={share} />
    </QueryClientProvider>
  </StrictMode>,
);
