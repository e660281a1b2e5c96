/**
 * Python's xmlrpc.client against procvisor, in the style of Cesi and multivisor (a ServerProxy on
 * `http://user:pass@host:port/RPC2`), and supervisor's own persistent transport (childutils), which keeps one
 * connection and never reconnects: introspection, multicall, getAPIVersion, and a connection left idle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Supervisor } from '../../src/index.js';
import { serveXmlRpc, type XmlRpcServer } from '../../src/xmlrpc/index.js';
import { haveClients, python } from './clients.js';

/** How long the idle connection waits: longer than Node's default keep-alive timeout (5 s) thrice over. */
const IDLE_SECONDS = 15;

describe.skipIf(!haveClients).concurrent('Python xmlrpc.client', () => {
  let sup: Supervisor;
  let server: XmlRpcServer;
  let url: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sup = new Supervisor(
      {
        programs: {
          web: { command: '/bin/sleep 1000', startsecs: 0 },
          idle: { command: '/bin/sleep 1000', startsecs: 0, autostart: false },
        },
      },
      { handleSignals: false },
    );
    server = await serveXmlRpc(sup, {
      inet: { host: '127.0.0.1', port: 0, username: 'cesi', password: 'pw' },
      log: () => {},
    });
    await sup.start();
    await sup.waitForReady();
    url = server.urls[0]!.replace('http://', 'http://cesi:pw@') + '/RPC2';
    env = {
      ...process.env,
      SUPERVISOR_SERVER_URL: server.urls[0],
      SUPERVISOR_USERNAME: 'cesi',
      SUPERVISOR_PASSWORD: 'pw',
    };
  });

  afterAll(async () => {
    await server?.close();
    await sup?.shutdown();
  });

  const proxy = (body: string) =>
    python(
      ['import json, sys', 'import xmlrpc.client', 'p = xmlrpc.client.ServerProxy(sys.argv[1])', body].join(
        '\n',
      ),
      env,
      undefined,
      [url],
    );

  it('system.listMethods lists supervisord 4.2.5 methods, and methodSignature reads them as it does', async () => {
    const expected = await python(
      [
        'import json',
        'from supervisor.rpcinterface import SupervisorNamespaceRPCInterface as S',
        'from supervisor.xmlrpc import SystemNamespaceRPCInterface, gettags',
        'y = SystemNamespaceRPCInterface([("supervisor", S(None))])',
        'names = y.listMethods()',
        'print(json.dumps({"names": names, "sigs": [y.methodSignature(n) for n in names],',
        '  "help": y.methodHelp("supervisor.startProcess")}))',
      ].join('\n'),
    );
    const ours = await proxy(
      [
        'names = p.system.listMethods()',
        'print(json.dumps({"names": names, "sigs": [p.system.methodSignature(n) for n in names],',
        '  "help": p.system.methodHelp("supervisor.startProcess")}))',
      ].join('\n'),
    );
    expect(JSON.parse(ours)).toEqual(JSON.parse(expected));
    expect((JSON.parse(ours) as { names: string[] }).names).toHaveLength(41);
  });

  it('a multicall runs in order: values, faults and an unknown method', async () => {
    const out = await proxy(
      [
        'r = p.system.multicall([',
        '  {"methodName": "supervisor.getAPIVersion", "params": []},',
        '  {"methodName": "supervisor.getProcessInfo", "params": ["nosuch"]},',
        '  {"methodName": "nosuch.method", "params": []},',
        '  {"methodName": "supervisor.startProcess", "params": ["idle"]},',
        '  {"methodName": "supervisor.startProcess", "params": ["idle"]},',
        '  {"methodName": "supervisor.getPID", "params": [1]},',
        '  {"methodName": "system.multicall", "params": [[]]},',
        '  {"params": []},',
        '  {"methodName": "supervisor.stopProcess", "params": ["idle", True]},',
        '])',
        'print(json.dumps(r))',
      ].join('\n'),
    );
    expect(JSON.parse(out)).toEqual([
      '3.0',
      { faultCode: 10, faultString: 'BAD_NAME: nosuch' },
      { faultCode: 1, faultString: 'UNKNOWN_METHOD' },
      true,
      { faultCode: 60, faultString: 'ALREADY_STARTED: idle' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: Recursive system.multicall forbidden' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: No methodName' },
      true,
    ]);
  });

  it('getAPIVersion, getVersion, getState, and faults as xmlrpc.client.Fault', async () => {
    const out = await proxy(
      [
        's = p.supervisor',
        'faults = []',
        'for call in (lambda: s.getProcessInfo("web:*"), lambda: s.nosuch(), lambda: p.system.methodHelp("x.y"),',
        '             lambda: s.getPID("extra"), lambda: s.readLog(-10, 0), lambda: s._update("x")):',
        '  try: call()',
        '  except xmlrpc.client.Fault as f: faults.append([f.faultCode, f.faultString])',
        'print(json.dumps([s.getAPIVersion(), s.getVersion(), s.getState(), s.getIdentification(), faults]))',
      ].join('\n'),
    );
    expect(JSON.parse(out)).toEqual([
      '3.0',
      '3.0',
      { statecode: 1, statename: 'RUNNING' },
      'supervisor',
      [
        [10, 'BAD_NAME: web:*'],
        [1, 'UNKNOWN_METHOD'],
        [4, 'SIGNATURE_UNSUPPORTED'],
        [2, 'INCORRECT_PARAMETERS'],
        [20, 'NO_FILE'],
        [1, 'UNKNOWN_METHOD'],
      ],
    ]);
  });

  it('process info, config info and a log tail come back with supervisord keys', async () => {
    const out = await proxy(
      [
        's = p.supervisor',
        'info = s.getProcessInfo("web")',
        'print(json.dumps([sorted(info), info["statename"], len(s.getAllProcessInfo()),',
        '  sorted(s.getAllConfigInfo()[0]), s.tailProcessStdoutLog("web", 0, 100)]))',
      ].join('\n'),
    );
    const [keys, statename, count, configKeys, tail] = JSON.parse(out) as [
      string[],
      string,
      number,
      string[],
      unknown,
    ];
    expect(keys).toEqual(
      [
        'description',
        'exitstatus',
        'group',
        'logfile',
        'name',
        'now',
        'pid',
        'spawnerr',
        'start',
        'state',
        'statename',
        'stderr_logfile',
        'stdout_logfile',
        'stop',
      ].sort(),
    );
    expect(statename).toBe('RUNNING');
    expect(count).toBe(2);
    expect(configKeys).toContain('group_prio');
    expect(tail).toEqual(['', 0, false]);
  });

  it(
    `a persistent connection left idle for ${IDLE_SECONDS} s still works`,
    async () => {
      // childutils' transport: one connection for the client's whole life, never reopened. The wait is real
      // (time.sleep in the client): an idle timeout on the server is what this test is for.
      const out = await python(
        [
          'import json, os, time, xmlrpc.client',
          'from supervisor import childutils',
          'transport = childutils.getRPCTransport(os.environ)',
          "proxy = xmlrpc.client.ServerProxy('http://127.0.0.1', transport)",
          'first = proxy.supervisor.getPID()',
          'sock = transport.connection.sock',
          `time.sleep(${IDLE_SECONDS})`,
          'second = proxy.supervisor.getPID()',
          'print(json.dumps([first == second, transport.connection.sock is sock]))',
        ].join('\n'),
        env,
        (IDLE_SECONDS + 20) * 1000,
      );
      expect(JSON.parse(out)).toEqual([true, true]);
    },
    (IDLE_SECONDS + 30) * 1000,
  );
});
