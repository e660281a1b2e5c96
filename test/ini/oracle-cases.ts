/**
 * Small supervisord.conf files, each aimed at one rule of supervisord's reading (syntax, a converter, an
 * expansion rule, an error message). differential.test.ts checks that inspectIni's view of each equals the
 * real supervisord's.
 */

import type { OracleCase } from './python-oracle.js';

const S = '[supervisord]\n';
const prog = (body: string, name = 'p'): string => `${S}[program:${name}]\ncommand=/bin/cat\n${body}\n`;

/** One program option over several values: a table of converter cases. */
function table(option: string, values: readonly string[]): OracleCase[] {
  return values.map((v, i) => ({ name: `${option}-${i}`, text: prog(`${option}=${v}`) }));
}

export const ORACLE_CASES: readonly OracleCase[] = [
  // --- configparser syntax ---
  {
    name: 'syntax-inline-comments',
    text: prog('directory=/a;b\nstdout_logfile=/tmp/x.log ;comment\nuser=u #c\numask=022\t;tab'),
  },
  { name: 'syntax-comment-rounds', text: prog('directory=a;b ;c #d') },
  { name: 'syntax-colon-delimiter', text: `${S}[program:p]\ncommand : /bin/echo a=b\nPRIORITY: 5\n` },
  {
    name: 'syntax-continuation',
    text: `${S}[program:p]\ncommand=/bin/echo\n  one\n\n  two\n ; comment line\n  three\n`,
  },
  {
    name: 'syntax-duplicates',
    text: `${S}[program:p]\ncommand=/bin/a\npriority=1\n[program:p]\npriority=2\ncommand=/bin/b\n`,
  },
  { name: 'syntax-default-section', text: `[DEFAULT]\nautostart=false\n${S}[program:p]\ncommand=/bin/cat\n` },
  { name: 'syntax-section-case', text: `${S}[Program:p]\ncommand=/bin/cat\n[program:q]\nCOMMAND=/bin/q\n` },
  { name: 'syntax-no-section', text: `command=/bin/cat\n${S}` },
  { name: 'syntax-bad-line', text: `${S}[program:p]\ncommand=/bin/cat\njust words\nmore words\n` },
  { name: 'syntax-no-supervisord', text: '[program:p]\ncommand=/bin/cat\n' },
  { name: 'syntax-crlf', text: `[supervisord]\r\n[program:p]\r\ncommand=/bin/cat\r\n  arg\r\n` },
  { name: 'syntax-header-junk', text: `[supervisord] trailing\n[program:p] ; c\ncommand=/bin/cat\n` },
  { name: 'syntax-empty-value', text: prog('directory=\nserverurl=') },
  // --- converters ---
  ...table('autostart', ['true', 'YES', 'on', '1', 'False', 'no', 'OFF', '0', 'maybe', '']),
  ...table('autorestart', ['true', 'false', 'unexpected', 'UNEXPECTED', 'always']),
  ...table('stdout_logfile_maxbytes', ['1024', '1KB', '10 MB', '2gb', '1500 KB', '1.5MB', '5B', '-1', 'mb']),
  ...table('stopsignal', ['TERM', 'sigint', ' hup ', 'KILL', 'USR1', '9', '99', 'RTMIN+1', 'WINCH']),
  ...table('exitcodes', ['0', '0,2', ' 1 , 2 ', '', '1,,2', '256', '-1', 'x']),
  ...table('umask', ['022', '22', '0o77', '777', '8', 'x']),
  ...table('priority', ['5', ' +7 ', '-3', '1_000', '1.5', '%(program_name)s', '%(ENV_HOME)s']),
  ...table('startsecs', ['0', '10', '1.5']),
  ...table('stdout_logfile', [
    'AUTO',
    'none',
    'Off',
    'syslog',
    '/tmp/a.log',
    '~/a.log',
    'rel.log',
    '/tmp/%(program_name)s.log',
    '/tmp/a%%%%b.log',
    '/tmp/a%%b.log',
  ]),
  ...table('environment', [
    'A=1,B=2',
    `A="a b",B='c,d'`,
    'A=ab"cd"ef',
    'K="a\\"b"',
    'A=bar#baz',
    'A=1;B=2',
    'A=1 B=2',
    'A=a@b',
    'A=',
    'A=1,',
    'D=""',
    'A="x,%(program_name)s"',
    'A=%(ENV_HOME)s/x',
    'A="1"2"',
    'A=(x)+y:z',
    'A="unterminated',
  ]),
  ...table('process_name', ['%(program_name)s_x', 'a b', 'a:b', ' padded ']),
  ...table('user', ['nobody', '1000']),
  ...table('serverurl', ['AUTO', 'auto ', 'http://x:1']),
  // --- expansion ---
  {
    name: 'exp-numprocs',
    text: prog(
      'numprocs=3\nnumprocs_start=8\nprocess_name=%(program_name)s_%(process_num)02d\nenvironment=PORT="80%(process_num)02d"\ndirectory=/srv/%(process_num)d\nstdout_logfile=/tmp/%(group_name)s-%(process_num)s.log',
    ),
  },
  { name: 'exp-numprocs-no-num', text: prog('numprocs=2') },
  { name: 'exp-numprocs-zero', text: prog('numprocs=0') },
  { name: 'exp-process-num-in-priority', text: prog('priority=%(process_num)s') },
  {
    name: 'exp-program-env-in-command',
    text: `${S}[program:p]\ncommand=/bin/echo %(ENV_FOO)s %(ENV_HOME)s\nenvironment=FOO="bar",HOME=/h\n`,
  },
  {
    name: 'exp-supervisord-env',
    text: `[supervisord]\nenvironment=A="1",B="%(ENV_HOME)s"\n[program:p]\ncommand=/bin/echo %(ENV_A)s %(ENV_B)s\nenvironment=B=2\n`,
  },
  { name: 'exp-unknown-name', text: prog('directory=%(nope)s') },
  { name: 'exp-badly-formatted', text: prog('directory=/tmp/%Y') },
  { name: 'exp-here', text: prog('directory=%(here)s/x\nstdout_logfile=%(here)s/%(host_node_name)s.log') },
  { name: 'exp-env-case', text: prog('command=/bin/echo %(ENV_CUSTOM)s'), env: { CUSTOM: '50%%' } },
  {
    name: 'exp-group-name',
    text: `${S}[group:g]\nprograms=p,q\npriority=5\n[program:p]\ncommand=/bin/echo %(group_name)s\npriority=9\n[program:q]\ncommand=/bin/q\npriority=1\n[program:r]\ncommand=/bin/r\n`,
  },
  // --- groups, listeners, errors ---
  { name: 'grp-unknown', text: `${S}[group:g]\nprograms=p,nope\n[program:p]\ncommand=/bin/cat\n` },
  { name: 'grp-empty', text: `${S}[group:g]\n` },
  { name: 'err-missing-command', text: `${S}[program:p]\npriority=1\n` },
  { name: 'err-bad-name', text: `${S}[program:a b]\ncommand=/bin/cat\n` },
  { name: 'err-stopasgroup', text: prog('stopasgroup=true\nkillasgroup=false') },
  { name: 'ok-stopasgroup', text: prog('stopasgroup=true') },
  {
    name: 'lst-basic',
    text: `${S}[eventlistener:l]\ncommand=/bin/l\nevents=process_state,TICK_60,PROCESS_STATE\nbuffer_size=5\n`,
  },
  { name: 'lst-no-events', text: `${S}[eventlistener:l]\ncommand=/bin/l\n` },
  { name: 'lst-unknown-event', text: `${S}[eventlistener:l]\ncommand=/bin/l\nevents=NOPE\n` },
  { name: 'lst-buffer', text: `${S}[eventlistener:l]\ncommand=/bin/l\nevents=TICK_5\nbuffer_size=0\n` },
  {
    name: 'lst-redirect',
    text: `${S}[eventlistener:l]\ncommand=/bin/l\nevents=TICK_5\nredirect_stderr=true\n`,
  },
  {
    name: 'srv-unix',
    text: `${S}[unix_http_server]\nfile=%(here)s/sock\nchmod=0777\n[inet_http_server]\nport=127.0.0.1:9001\n`,
  },
  { name: 'srv-inet', text: `${S}[inet_http_server]\nport=*:9001\nusername=u\npassword=p\n` },
  { name: 'srv-inet-noport', text: `${S}[inet_http_server]\n` },
  { name: 'srv-auth', text: `${S}[inet_http_server]\nport=9001\nusername=u\n` },
  { name: 'rpc-missing', text: `${S}[rpcinterface:supervisor]\n` },
  {
    name: 'sup-options',
    text: '[supervisord]\nloglevel=DEBUG\nidentifier=%(ENV_USER)s\numask=002\nminfds=2048\nlogfile_maxbytes=1KB\nnodaemon=true\nchildlogdir=~/logs\n',
  },
  { name: 'sup-bad-loglevel', text: '[supervisord]\nloglevel=loud\n' },
  // --- include ---
  {
    name: 'inc-basic',
    text: `${S}[include]\nfiles = conf.d/*.conf\n  extra/?.ini\n`,
    files: {
      'conf.d/b.conf': '[program:b]\ncommand=%(here)s/b\n',
      'conf.d/a.conf': '[program:a]\ncommand=%(here)s/a\npriority=3\n',
      'conf.d/.hidden.conf': '[program:h]\ncommand=/bin/h\n',
      'extra/x.ini': '[program:x]\ncommand=/bin/x\n[include]\nfiles=nested/*.conf\n',
    },
  },
  { name: 'inc-nofiles', text: `${S}[include]\n` },
  { name: 'inc-nomatch', text: `${S}[include]\nfiles=none/*.conf\n` },
  { name: 'inc-bad-file', text: `${S}[include]\nfiles=*.inc\n`, files: { 'x.inc': 'no header\n' } },
];
