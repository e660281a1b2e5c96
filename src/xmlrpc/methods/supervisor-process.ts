/**
 * The `supervisor.*` methods that act on processes (`rpcinterface.py`): info, start, stop, signal, stdin,
 * and the process logs.
 * @module
 */
import type { ProcessInfo } from '../../core/info.js';
import type { XmlRpcStruct, XmlRpcValue } from '../values.js';
import { INT, SIGNAL, STRING, WAIT, type MethodDef } from './types.js';

/**
 * The struct supervisord sends: its fields only. procvisor's `faults` (problems that did not stop the
 * process) stays in the library, so a client sees exactly supervisord's keys.
 */
function wireInfo(info: ProcessInfo): XmlRpcStruct {
  const { faults: _faults, ...fields } = info;
  return fields;
}

/** A struct or a list of structs, as the value the wire writes. */
const wire = (v: unknown): XmlRpcValue => v as XmlRpcValue;

const wait = (v: unknown): boolean => (v === undefined ? true : (v as boolean));

const readStdout: MethodDef = {
  params: [STRING, INT, INT],
  call: ({ sup }, [name, offset, length]) =>
    sup.readProcessStdoutLog(name as string, offset as number, length as number),
};

const tailStdout: MethodDef = {
  params: [STRING, INT, INT],
  call: async ({ sup }, [name, offset, length]) =>
    sup.tailProcessStdoutLog(name as string, offset as number, length as number),
};

const clearLogs: MethodDef = {
  params: [STRING],
  call: ({ sup }, [name]) => sup.clearProcessLogs(name as string),
};

export const PROCESS_METHODS: Readonly<Record<string, MethodDef>> = {
  getProcessInfo: {
    params: [STRING],
    call: async ({ sup }, [name]) => wireInfo(await sup.getProcessInfo(name as string)),
  },
  getAllProcessInfo: {
    params: [],
    call: async ({ sup }) => (await sup.getAllProcessInfo()).map(wireInfo),
  },
  startProcess: {
    params: [STRING, WAIT],
    call: async ({ sup }, [name, w]) => wire(await sup.startProcess(name as string, wait(w))),
  },
  startProcessGroup: {
    params: [STRING, WAIT],
    call: async ({ sup }, [name, w]) => wire(await sup.startProcessGroup(name as string, wait(w))),
  },
  startAllProcesses: {
    params: [WAIT],
    call: async ({ sup }, [w]) => wire(await sup.startAllProcesses(wait(w))),
  },
  stopProcess: {
    params: [STRING, WAIT],
    call: async ({ sup }, [name, w]) => wire(await sup.stopProcess(name as string, wait(w))),
  },
  stopProcessGroup: {
    params: [STRING, WAIT],
    call: async ({ sup }, [name, w]) => wire(await sup.stopProcessGroup(name as string, wait(w))),
  },
  stopAllProcesses: {
    params: [WAIT],
    call: async ({ sup }, [w]) => wire(await sup.stopAllProcesses(wait(w))),
  },
  signalProcess: {
    params: [STRING, SIGNAL],
    call: async ({ sup }, [name, signal]) => wire(await sup.signalProcess(name as string, signal as string)),
  },
  signalProcessGroup: {
    params: [STRING, SIGNAL],
    call: async ({ sup }, [name, signal]) =>
      wire(await sup.signalProcessGroup(name as string, signal as string)),
  },
  signalAllProcesses: {
    params: [SIGNAL],
    call: async ({ sup }, [signal]) => wire(await sup.signalAllProcesses(signal as string)),
  },
  sendProcessStdin: {
    params: [STRING, { kind: 'chars' }],
    call: ({ sup }, [name, chars]) => sup.sendProcessStdin(name as string, chars as string | Uint8Array),
  },
  readProcessStdoutLog: readStdout,
  readProcessLog: readStdout,
  readProcessStderrLog: {
    params: [STRING, INT, INT],
    call: ({ sup }, [name, offset, length]) =>
      sup.readProcessStderrLog(name as string, offset as number, length as number),
  },
  tailProcessStdoutLog: tailStdout,
  tailProcessLog: tailStdout,
  tailProcessStderrLog: {
    params: [STRING, INT, INT],
    call: async ({ sup }, [name, offset, length]) =>
      sup.tailProcessStderrLog(name as string, offset as number, length as number),
  },
  clearProcessLogs: clearLogs,
  clearProcessLog: clearLogs,
  clearAllProcessLogs: {
    params: [],
    call: async ({ sup }) => wire(await sup.clearAllProcessLogs()),
  },
};
