/**
 * `procvisor/xmlrpc`: serves a `Supervisor` over supervisord 4.2.5's HTTP interface, so unmodified
 * supervisorctl, superlance, Cesi, multivisor and Ansible's supervisorctl module drive it. XML-RPC on
 * `POST /RPC2` (the 41 methods of the `supervisor` and `system` namespaces, with supervisord's results and
 * faults), log tails on `GET /logtail/<name>[/stdout|/stderr]` and `GET /mainlogtail`, over TCP and a unix
 * socket, with supervisord's Basic authentication. Nothing of it loads unless imported. See docs/xmlrpc.md.
 * @example
 * ```ts
 * import { Supervisor } from 'procvisor';
 * import { serveXmlRpc } from 'procvisor/xmlrpc';
 *
 * const sup = new Supervisor({ programs: { web: { command: 'node server.js' } } });
 * const server = await serveXmlRpc(sup, { inet: { host: '127.0.0.1', port: 9001, username: 'u', password: 'p' } });
 * await sup.start();
 * // supervisorctl -s http://127.0.0.1:9001 -u u -p p status
 * await server.close();
 * await sup.shutdown();
 * ```
 * @module
 */
export { serveXmlRpc } from './http-server.js';
export type {
  ServeXmlRpcOptions,
  InetListenerOptions,
  UnixListenerOptions,
  ListenerAuth,
  ServerLog,
  XmlRpcServer,
} from './options.js';
export { CallDecoder, XmlRpcDecodeError } from './decode.js';
export type { DecodedCall, DecodeLimits } from './decode.js';
export { encodeCall, encodeFault, encodeResponse } from './encode.js';
export { XmlRpcFault } from './faults.js';
export type { XmlRpcValue, XmlRpcStruct } from './values.js';
export { API_VERSION } from './methods/supervisor-daemon.js';
