/**
 * The `supervisor.*` methods about the supervisor itself (`rpcinterface.py`): versions, identity, state,
 * the main log, shutdown and restart, the configuration and its groups, remote communication events.
 * @module
 */
import type { XmlRpcValue } from '../values.js';
import { checkRunning, INT, STRING, type MethodDef } from './types.js';

/** `rpcinterface.py API_VERSION`: supervisorctl refuses a server that answers anything else. */
export const API_VERSION = '3.0';

const apiVersion: MethodDef = {
  params: [],
  async call({ sup }) {
    await checkRunning(sup);
    return API_VERSION;
  },
};

const readLog: MethodDef = {
  params: [INT, INT],
  call: ({ sup }, [offset, length]) => sup.readLog(offset as number, length as number),
};

export const DAEMON_METHODS: Readonly<Record<string, MethodDef>> = {
  getAPIVersion: apiVersion,
  getVersion: apiVersion,
  getSupervisorVersion: {
    params: [],
    async call({ sup, supervisorVersion }) {
      await checkRunning(sup);
      return supervisorVersion;
    },
  },
  getIdentification: { params: [], call: ({ sup }) => sup.getIdentification() },
  getState: {
    params: [],
    async call({ sup }) {
      // supervisord's getState checks the mood first, so over the wire it only ever says RUNNING.
      await checkRunning(sup);
      const { statecode, statename } = await sup.getState();
      return { statecode, statename };
    },
  },
  getPID: { params: [], call: ({ sup }) => sup.getPID() },
  readLog,
  readMainLog: readLog,
  clearLog: { params: [], call: ({ sup }) => sup.clearLog() },
  shutdown: {
    params: [],
    async call(ctx) {
      await checkRunning(ctx.sup);
      ctx.after(() => ctx.sup.shutdown());
      return true;
    },
  },
  restart: {
    params: [],
    async call(ctx) {
      await checkRunning(ctx.sup);
      ctx.after(() => ctx.sup.restart());
      return true;
    },
  },
  reloadConfig: {
    params: [],
    async call({ sup }) {
      // supervisord: `return [[added, changed, removed]] # cannot return len > 1, apparently`.
      const [added, changed, removed] = await sup.reloadConfig();
      return [[added, changed, removed]];
    },
  },
  addProcessGroup: { params: [STRING], call: ({ sup }, [name]) => sup.addProcessGroup(name as string) },
  removeProcessGroup: { params: [STRING], call: ({ sup }, [name]) => sup.removeProcessGroup(name as string) },
  getAllConfigInfo: {
    params: [],
    call: async ({ sup }) => (await sup.getAllConfigInfo()) as XmlRpcValue,
  },
  sendRemoteCommEvent: {
    params: [STRING, STRING],
    call: ({ sup }, [type, data]) => sup.sendRemoteCommEvent(type as string, data as string),
  },
};
