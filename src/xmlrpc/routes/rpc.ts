/**
 * `POST /RPC2`: reads the body within the size limit while decoding it, calls the method, and answers
 * `text/xml` (supervisord's `xmlrpc.py supervisor_xmlrpc_handler.continue_request`). Malformed XML is 400,
 * a body over the limit 413 (once it has been read, so the client sees the answer, up to a cap after which
 * the connection is cut), an internal error 500; none of them reaches the host.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { XmlRpcDecodeError } from '../decode.js';
import { CallDecoder } from '../decode.js';
import { dispatch } from '../dispatch.js';
import { encodeFault, encodeResponse } from '../encode.js';
import { XmlRpcFault } from '../faults.js';
import type { CallContext } from '../methods/types.js';
import type { ServerLog } from '../options.js';
import { sendError } from './respond.js';

/** What the RPC route needs. */
export interface RpcRoute {
  readonly maxBodyBytes: number;
  readonly maxDepth: number;
  readonly log: ServerLog;
  /** A call context whose after-response actions are collected in `after`. */
  context(after: (() => Promise<unknown>)[]): CallContext;
}

/** How much of a too-large body is read (and thrown away) so the client gets its 413; then it is cut off. */
const DRAIN_CAP = 64 * 1024 * 1024;

export function handleRpc(route: RpcRoute, req: IncomingMessage, res: ServerResponse): void {
  const declared = Number(req.headers['content-length']);
  let size = 0;
  let tooLarge = Number.isFinite(declared) && declared > route.maxBodyBytes;
  let bad: XmlRpcDecodeError | null = null;
  const decoder = new CallDecoder({ maxDepth: route.maxDepth });
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > route.maxBodyBytes) tooLarge = true;
    if (size > route.maxBodyBytes + DRAIN_CAP) {
      req.destroy();
      return;
    }
    if (tooLarge || bad) return;
    try {
      decoder.write(chunk);
    } catch (err) {
      bad = err as XmlRpcDecodeError;
    }
  });
  req.on('error', () => {});
  req.on('end', () => {
    if (tooLarge) {
      route.log('warn', `XML-RPC request refused: the body is larger than ${route.maxBodyBytes} bytes`);
      sendError(res, 413, { Connection: 'close' });
      return;
    }
    void answer(route, decoder, bad, res);
  });
}

async function answer(
  route: RpcRoute,
  decoder: CallDecoder,
  bad: XmlRpcDecodeError | null,
  res: ServerResponse,
): Promise<void> {
  let call;
  try {
    if (bad) throw bad;
    call = decoder.end();
  } catch (err) {
    route.log('warn', `XML-RPC request data is invalid: ${(err as Error).message}`);
    sendError(res, 400);
    return;
  }
  const after: (() => Promise<unknown>)[] = [];
  let body: string;
  try {
    body = encodeResponse(await dispatch(route.context(after), call.method, call.params));
  } catch (err) {
    if (!(err instanceof XmlRpcFault)) {
      route.log('error', `XML-RPC method ${call.method}() raised an unexpected exception: ${describe(err)}`);
      sendError(res, 500);
      return;
    }
    body = encodeFault(err.faultCode, err.faultString);
  }
  if (after.length > 0) {
    // Acted on once the answer is out (or the client gone), as supervisord acts on its mood next turn.
    const run = () => {
      for (const action of after) {
        action().catch((e: unknown) => route.log('error', `after ${call.method}(): ${describe(e)}`));
      }
    };
    if (res.destroyed) setImmediate(run);
    else res.once('close', run);
  }
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': bytes.length });
  res.end(bytes);
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
}
