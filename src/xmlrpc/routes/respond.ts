/**
 * Error responses as medusa (supervisord's HTTP server) writes them: its small HTML page, with the status.
 * @module
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';

/** Answers `code` with medusa's error page; extra headers (WWW-Authenticate, Connection) may be given. */
export function sendError(res: ServerResponse, code: number, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const message = STATUS_CODES[code] ?? 'Error';
  const body = [
    '<head>',
    '<title>Error response</title>',
    '</head>',
    '<body>',
    '<h1>Error response</h1>',
    `<p>Error code ${code}.`,
    `<p>Message: ${message}.`,
    '</body>',
    '',
  ].join('\r\n');
  res.writeHead(code, {
    'Content-Type': 'text/html',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}
