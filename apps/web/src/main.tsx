import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { isApiError } from './lib/api';
import { trackReads } from './lib/live';
import { App } from './app/router';
import { startTheme } from './lib/theme';
import { TooltipProvider } from './ui';
import './styles.css';

startTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live events keep caches fresh; refetching on focus would only add load.
      refetchOnWindowFocus: false,
      staleTime: 30_000,
      retry: (count, err) => count < 2 && !(isApiError(err) && err.status >= 400 && err.status < 500),
    },
  },
});
// From the first read on: a subscription's confirmation compares each read's start with the channel's quiet.
trackReads(queryClient);

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TooltipProvider>
        <App />
      </TooltipProvider>
    </QueryClientProvider>
  </StrictMode>,
);
