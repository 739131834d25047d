// Serves the browser app on the API's port. The single-page app arrives in a
// later milestone; until then every non-API GET gets a small placeholder page
// that says how to reach the API.
import type { Context } from 'hono';

const PLACEHOLDER = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bottega</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; color: #222; }
  code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
</style>
</head>
<body>
<h1>Bottega is running</h1>
<p>The web interface is not part of this build yet. The REST API is served under <code>/api</code>
and live updates under <code>/ws</code>; <code>GET /api/auth/status</code> tells whether the first
administrator account still has to be created.</p>
</body>
</html>
`;

export interface WebRoute {
  method: 'GET';
  path: string;
  handler: (c: Context) => Response;
}

export function webAppRoutes(): WebRoute[] {
  const page = (c: Context) => {
    c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    return c.html(PLACEHOLDER);
  };
  return [
    { method: 'GET', path: '/', handler: page },
    { method: 'GET', path: '*', handler: page },
  ];
}
